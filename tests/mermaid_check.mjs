// Validate Mermaid diagram sources with Mermaid itself: its real parser, then a real render to SVG
// under jsdom.
//
// Run with:
//   echo '["erDiagram\n  a ||--o{ b : \"has\""]' | node tests/mermaid_check.mjs
//
// stdin:  a JSON array of diagram sources: strings, or {"source": string, "render": false} for a
//         source to parse (and check against Mermaid's limits) without rendering it.
// stdout: a JSON array, one {ok, error, texts, classes, edges} per source, in order. `error` is Mermaid's
//         message (null when ok); `texts` are the text leaves of the rendered SVG (labels,
//         attribute names, comments), so callers can check what a reader would actually see;
//         `classes` are the class attributes of the drawn nodes (where classDef styles land);
//         `edges` the drawn edges as {id, start, end}: Mermaid's edge id (naming both ends) and
//         the markers at the start and the end of the line (crow's feet, arrowheads).
// Options:
//   --parse-only          skip the render (parse, length and edge checks only)
//   --mermaid=<package>   the Mermaid package to load (default "mermaid"); lets a test run an
//                         older Mermaid that a notebook front end may bundle.
// Needs `npm ci` at the repository root. Mermaid's own defaults apply (maxTextSize, maxEdges,
// securityLevel "strict"): a source longer than maxTextSize is rejected here, where Mermaid itself
// would silently draw "Maximum text size in diagram exceeded" instead.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const parseOnly = args.includes('--parse-only');
const packageName = (args.find((a) => a.startsWith('--mermaid=')) ?? '--mermaid=mermaid').slice(10);

// Mermaid and its libraries log through console; keep stdout for the JSON answer alone.
for (const level of ['log', 'info', 'warn', 'debug', 'trace']) console[level] = console.error;

const require = createRequire(import.meta.url);
const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (!(key in globalThis)) {
    try {
      globalThis[key] = dom.window[key];
    } catch {
      // a few window properties are getters that refuse to be copied; Mermaid does not need them
    }
  }
}
globalThis.window = dom.window;
globalThis.document = dom.window.document;

// jsdom does no layout. Mermaid measures text to size boxes; give it a plausible size (8 px a
// character, 16 px a line) so the layout code runs through.
function measure(element) {
  const width = Math.max(1, (element.textContent ?? '').length * 8);
  return { x: 0, y: 0, width, height: 16, top: 0, left: 0, right: width, bottom: 16 };
}
dom.window.SVGElement.prototype.getBBox = function getBBox() {
  return measure(this);
};
dom.window.SVGElement.prototype.getComputedTextLength = function getComputedTextLength() {
  return measure(this).width;
};
dom.window.Element.prototype.getBoundingClientRect = function getBoundingClientRect() {
  return measure(this);
};

const entry = require.resolve(`${packageName}/dist/mermaid.core.mjs`);
const { default: mermaid } = await import(pathToFileURL(entry).href);
mermaid.initialize({ startOnLoad: false, logLevel: 'fatal', suppressErrorRendering: true });
const { maxTextSize } = mermaid.mermaidAPI.getConfig();

function readSvg(svg) {
  const holder = document.createElement('div');
  holder.innerHTML = svg;
  holder.querySelectorAll('style').forEach((style) => style.remove());
  const texts = [];
  for (const node of holder.querySelectorAll('p, span, text, tspan')) {
    if (!node.querySelector('p, span, text, tspan')) texts.push(node.textContent);
  }
  const classes = [...holder.querySelectorAll('g.node')].map((node) => node.getAttribute('class'));
  const edges = [...holder.querySelectorAll('.edgePaths path')].map((path) => ({
    id: path.getAttribute('data-id') ?? path.getAttribute('id'),
    start: path.getAttribute('marker-start'),
    end: path.getAttribute('marker-end'),
  }));
  return { texts, classes, edges };
}

async function check(item, index) {
  const { source, render = !parseOnly } = typeof item === 'object' && item !== null ? item : { source: item };
  const failed = (error) => ({ ok: false, error, texts: [], classes: [], edges: [] });
  if (typeof source !== 'string') return failed('not a string');
  if (source.length > maxTextSize) {
    return failed(`text is ${source.length} characters, over maxTextSize ${maxTextSize}`);
  }
  try {
    await mermaid.parse(source);
    if (!render) return { ok: true, error: null, texts: [], classes: [], edges: [] };
    const { svg } = await mermaid.render(`check${index}`, source);
    return { ok: true, error: null, ...readSvg(svg) };
  } catch (error) {
    return failed(String(error?.message ?? error));
  }
}

const items = JSON.parse(readFileSync(0, 'utf8'));
if (!Array.isArray(items)) throw new Error('stdin must be a JSON array of diagram sources');
const results = [];
for (const [index, item] of items.entries()) results.push(await check(item, index));
process.stdout.write(JSON.stringify(results));
