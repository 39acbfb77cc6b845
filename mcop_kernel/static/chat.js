// The front end of mcop_kernel.ChatWidget: chat + diagram canvas, an anywidget ES module.
//
// One file on purpose: anywidget imports `_esm` from a Blob URL, where relative imports do not
// resolve. Mermaid (3.6 MB) is never part of it: the page loads it once from the MCOP server
// extension (`{baseUrl}static/mcop_extension/mermaid.min.js`), offline.
//
// Safety: catalog and model text only ever reaches the page through textContent / text nodes
// (renderMarkdown builds DOM nodes); the one innerHTML is Mermaid's own SVG, rendered with
// securityLevel "strict".

const MAX_TRIES = 5;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
const PROBE_TIMEOUT_MS = 5000;
const MAX_FRAME_BYTES = 60000; // under the server's 64 KiB frame limit, which closes the socket
const MERMAID_PATH = 'static/mcop_extension/mermaid.min.js';
const TOOL_PREVIEW_CHARS = 160;
const TOOL_DETAIL_CHARS = 4000;

// ============================================================================ Markdown to DOM

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])(?:\s+(.*)|\s*$)/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/**
 * Markdown (headings, paragraphs, lists, tables, code fences, quotes, rules; inline code, bold,
 * italic, strikethrough, http(s) links) as a DocumentFragment built from text nodes only: HTML
 * in the text stays text. Unfinished constructs (an open code fence mid-stream) render as far as
 * they go.
 */
export function renderMarkdown(text, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n');
  renderBlocks(lines, fragment, doc);
  return fragment;
}

function renderBlocks(lines, parent, doc) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) {
      i += 1;
    } else if ((m = FENCE.exec(line))) {
      i = codeBlock(lines, i, m, parent, doc);
    } else if ((m = HEADING.exec(line))) {
      const heading = el(doc, `h${m[1].length}`);
      renderInline(m[2], heading, doc);
      parent.append(heading);
      i += 1;
    } else if (RULE.test(line)) {
      parent.append(el(doc, 'hr'));
      i += 1;
    } else if (isTableStart(lines, i)) {
      i = table(lines, i, parent, doc);
    } else if (QUOTE.test(line)) {
      const inner = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
        inner.push(m[1]);
        i += 1;
      }
      const quote = el(doc, 'blockquote');
      renderBlocks(inner, quote, doc);
      parent.append(quote);
    } else if (ITEM.test(line)) {
      i = list(lines, i, parent, doc);
    } else {
      const start = i;
      while (i < lines.length && lines[i].trim() && (i === start || !startsBlock(lines, i))) i += 1;
      const paragraph = el(doc, 'p');
      renderInline(lines.slice(start, i).map((l) => l.trim()).join('\n'), paragraph, doc);
      parent.append(paragraph);
    }
  }
}

function startsBlock(lines, i) {
  const line = lines[i];
  return (
    FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) ||
    ITEM.test(line) || isTableStart(lines, i)
  );
}

function codeBlock(lines, i, open, parent, doc) {
  const [, indent, fence, lang] = open;
  const body = [];
  let j = i + 1;
  const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
  while (j < lines.length && !close.test(lines[j])) {
    body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    j += 1;
  }
  const pre = el(doc, 'pre');
  const code = el(doc, 'code');
  if (lang) code.dataset.lang = lang;
  code.textContent = body.join('\n');
  pre.append(code);
  parent.append(pre);
  return j + 1;
}

function isTableStart(lines, i) {
  return (
    i + 1 < lines.length && lines[i].includes('|') && lines[i + 1].includes('|') &&
    lines[i + 1].includes('-') && TABLE_RULE.test(lines[i + 1])
  );
}

function tableCells(line) {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells = [];
  let cell = '';
  let inCode = false;
  for (let k = 0; k < row.length; k += 1) {
    const ch = row[k];
    if (ch === '\\' && row[k + 1] === '|') {
      cell += '|';
      k += 1;
    } else if (ch === '`') {
      inCode = !inCode;
      cell += ch;
    } else if (ch === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function table(lines, i, parent, doc) {
  const header = tableCells(lines[i]);
  const align = tableCells(lines[i + 1]).map((rule) => {
    const left = rule.startsWith(':');
    const right = rule.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : '';
  });
  const wrap = el(doc, 'div');
  wrap.className = 'mcop-table';
  const tableEl = el(doc, 'table');
  const head = el(doc, 'thead');
  head.append(tableRow(header, 'th', align, header.length, doc));
  tableEl.append(head);
  const body = el(doc, 'tbody');
  let j = i + 2;
  while (j < lines.length && lines[j].trim() && lines[j].includes('|')) {
    body.append(tableRow(tableCells(lines[j]), 'td', align, header.length, doc));
    j += 1;
  }
  tableEl.append(body);
  wrap.append(tableEl);
  parent.append(wrap);
  return j;
}

function tableRow(cells, tag, align, width, doc) {
  const row = el(doc, 'tr');
  for (let k = 0; k < width; k += 1) {
    const cell = el(doc, tag);
    if (align[k]) cell.style.textAlign = align[k];
    renderInline(cells[k] ?? '', cell, doc);
    row.append(cell);
  }
  return row;
}

function indentOf(line) {
  return line.length - line.trimStart().length;
}

function list(lines, i, parent, doc) {
  const first = ITEM.exec(lines[i]);
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const listEl = el(doc, ordered ? 'ol' : 'ul');
  const start = parseInt(first[2], 10);
  if (ordered && start !== 1) listEl.start = start;
  let j = i;
  while (j < lines.length) {
    const m = ITEM.exec(lines[j]);
    if (!m || Math.abs(m[1].length - indent) > 1 || /\d/.test(m[2]) !== ordered) break;
    const body = [m[3] ?? ''];
    let loose = false;
    j += 1;
    while (j < lines.length) {
      const line = lines[j];
      if (!line.trim()) {
        let k = j + 1;
        while (k < lines.length && !lines[k].trim()) k += 1;
        if (k < lines.length && indentOf(lines[k]) > indent + 1) {
          body.push('');
          loose = true;
          j += 1;
          continue;
        }
        break;
      }
      if (indentOf(line) > indent + 1) {
        body.push(line.slice(Math.min(indentOf(line), indent + 2 + (ordered ? 1 : 0))));
      } else if (!startsBlock(lines, j) && body[body.length - 1].trim()) {
        body.push(line.trim()); // a lazy continuation of the item's text
      } else {
        break;
      }
      j += 1;
    }
    const item = el(doc, 'li');
    renderBlocks(body, item, doc);
    const lead = item.firstChild;
    if (!loose && lead && lead.nodeName === 'P') {
      while (lead.firstChild) item.insertBefore(lead.firstChild, lead);
      lead.remove();
    }
    listEl.append(item);
    while (j < lines.length && !lines[j].trim()) {
      const next = lines.slice(j).find((l) => l.trim());
      const n = next === undefined ? null : ITEM.exec(next);
      if (!n || Math.abs(n[1].length - indent) > 1) break;
      j += 1;
    }
  }
  parent.append(listEl);
  return j;
}

const WORD = /[\p{L}\p{N}]/u;

/** Inline Markdown into `parent`, as text nodes and a few safe elements. */
export function renderInline(text, parent, doc = globalThis.document) {
  let plain = '';
  const flush = () => {
    if (plain) parent.append(doc.createTextNode(plain));
    plain = '';
  };
  const closed = new Set(); // delimiters known to have no closer further on
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '\\' && next !== undefined && /[!-/:-@[-`{-~]/.test(next)) {
      plain += next;
      i += 2;
      continue;
    }
    if (ch === '\n') {
      flush();
      parent.append(el(doc, 'br'));
      i += 1;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(text.slice(i))[0];
      const end = text.indexOf(run, i + run.length);
      if (end > i + run.length - 1 && text[end + run.length] !== '`') {
        flush();
        const code = el(doc, 'code');
        code.textContent = text.slice(i + run.length, end).replace(/\n/g, ' ').replace(/^ (.+) $/, '$1');
        parent.append(code);
        i = end + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if (ch === '[') {
      const m = /^\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/.exec(text.slice(i));
      if (m) {
        flush();
        if (SAFE_LINK.test(m[2])) {
          const a = el(doc, 'a');
          a.href = m[2];
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          renderInline(m[1], a, doc);
          parent.append(a);
        } else {
          renderInline(m[1], parent, doc);
        }
        i += m[0].length;
        continue;
      }
    }
    const span = emphasis(text, i, closed);
    if (span) {
      flush();
      const node = el(doc, span.tag);
      renderInline(text.slice(span.from, span.to), node, doc);
      parent.append(node);
      i = span.end;
      continue;
    }
    plain += ch;
    i += 1;
  }
  flush();
}

function emphasis(text, i, closed) {
  const ch = text[i];
  if (ch !== '*' && ch !== '_' && ch !== '~') return null;
  const double = text[i + 1] === ch;
  if (ch === '~' && !double) return null;
  const mark = double ? ch + ch : ch;
  const inner = i + mark.length;
  // `_` never opens or closes inside a word: table_name stays as it is
  if (ch === '_' && i > 0 && WORD.test(text[i - 1])) return null;
  if (inner >= text.length || /\s/.test(text[inner]) || text[inner] === ch) return null;
  if (closed.has(mark)) return null;
  let from = inner;
  for (;;) {
    const end = text.indexOf(mark, from);
    if (end < 0) {
      closed.add(mark);
      return null;
    }
    const after = text[end + mark.length];
    const ok =
      end > inner && !/\s/.test(text[end - 1]) &&
      (mark.length === 2 || after !== ch) && // a single * is not the start of **
      !(ch === '_' && after !== undefined && WORD.test(after));
    if (ok) {
      const tag = ch === '~' ? 's' : double ? 'strong' : 'em';
      return { tag, from: inner, to: end, end: end + mark.length };
    }
    from = end + (mark.length === 2 || after !== ch ? 1 : 2);
  }
}

function el(doc, tag, attrs = {}) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'text') node.textContent = value;
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  return node;
}

/** The deepest last block of rendered Markdown, where a typing cursor reads as part of the text. */
function lastTextBlock(root) {
  let node = root;
  for (;;) {
    const last = node.lastElementChild;
    if (!last || !/^(P|LI|UL|OL|BLOCKQUOTE|PRE|CODE|H[1-6]|DIV|TABLE|THEAD|TBODY|TR|TD|TH)$/.test(last.tagName)) {
      return node;
    }
    node = last;
  }
}

// ============================================================================ the page and Mermaid

/** The page's Jupyter settings (`<script id="jupyter-config-data">`), or null outside Jupyter. */
function jupyterConfig(doc) {
  const script = doc.getElementById('jupyter-config-data');
  if (!script) return null;
  try {
    const config = JSON.parse(script.textContent || '{}');
    return typeof config.baseUrl === 'string' ? config : null;
  } catch {
    return null;
  }
}

function serverBase(config, location) {
  const base = new URL(config.baseUrl || '/', location.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/** Mermaid, loaded once per page from the extension; `window.mermaid` is left as it was. */
function loadMermaid(url, doc) {
  const key = '__mcopMermaid';
  if (!globalThis[key]) {
    globalThis[key] = new Promise((resolve, reject) => {
      const before = globalThis.mermaid;
      const script = doc.createElement('script');
      script.src = url;
      script.async = true;
      script.dataset.mcop = 'mermaid';
      script.onload = () => {
        const mermaid = globalThis.mermaid;
        if (before !== undefined) globalThis.mermaid = before;
        if (mermaid && typeof mermaid.render === 'function') resolve(mermaid);
        else reject(new Error('mermaid.min.js did not define Mermaid'));
      };
      script.onerror = () => reject(new Error(`Mermaid could not be loaded from ${url}`));
      doc.head.append(script);
    });
  }
  return globalThis[key];
}

let uniqueCounter = 0;
function uniqueId(prefix) {
  uniqueCounter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${Date.now().toString(36)}-${random}-${uniqueCounter}`;
}

function nextFrame(callback) {
  const raf = globalThis.requestAnimationFrame;
  return typeof raf === 'function' ? raf(callback) : setTimeout(callback, 16);
}

function cancelFrame(handle) {
  const caf = globalThis.cancelAnimationFrame;
  if (typeof caf === 'function') caf(handle);
  else clearTimeout(handle);
}

// ============================================================================ theme and pan/zoom

/** `rgb(...)` / `rgba(...)` / `#rrggbb` as [r, g, b, alpha], or null. */
export function parseColor(text) {
  const value = String(text ?? '').trim();
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
  if (m) {
    const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
    return [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16)).concat(1);
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(value);
  if (!m) return null;
  const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  return [Number(m[1]), Number(m[2]), Number(m[3]), alpha];
}

function hex(rgb) {
  return `#${rgb.slice(0, 3).map((c) => Math.round(Math.max(0, Math.min(255, c))).toString(16).padStart(2, '0')).join('')}`;
}

/** `share` of colour `a` over colour `b` (both [r, g, b, ...]). */
function mix(a, b, share) {
  return [0, 1, 2].map((k) => a[k] * share + b[k] * (1 - share));
}

function luminance(rgb) {
  const [r, g, b] = rgb.slice(0, 3).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The colours a diagram is drawn against: the canvas's own, from the page's theme. */
function themeColors(node) {
  const win = node.ownerDocument.defaultView;
  let bg = null;
  for (let at = node; at && at.nodeType === 1 && !bg; at = at.parentElement) {
    const c = parseColor(win.getComputedStyle(at).backgroundColor);
    if (c && c[3] > 0.5) bg = c;
  }
  const style = win.getComputedStyle(node);
  const fg = parseColor(style.color) ?? [31, 35, 40, 1];
  bg = bg ?? [255, 255, 255, 1];
  // JupyterLab says which kind its theme is; elsewhere (VS Code, plain pages) the background does
  const flag = node.ownerDocument.body?.dataset?.jpThemeLight;
  const dark = flag === 'false' || (flag !== 'true' && luminance(bg) < 0.25);
  return { dark, bg, fg };
}

function themeKey(colors) {
  return `${colors.dark}:${hex(colors.bg)}:${hex(colors.fg)}`;
}

/** Mermaid's settings for a theme: strict always; in dark themes, lines and text in the page's
 * foreground over its background. */
export function mermaidConfig(colors) {
  const config = { startOnLoad: false, securityLevel: 'strict', suppressErrorRendering: true, theme: 'default' };
  if (!colors || !colors.dark) return config;
  const { bg, fg } = colors;
  const node = hex(mix(fg, bg, 0.12));
  return {
    ...config,
    theme: 'dark',
    themeVariables: {
      darkMode: true,
      background: hex(bg),
      primaryColor: node,
      mainBkg: node,
      secondaryColor: hex(mix(fg, bg, 0.2)),
      tertiaryColor: hex(mix(fg, bg, 0.06)),
      primaryTextColor: hex(fg),
      secondaryTextColor: hex(fg),
      tertiaryTextColor: hex(fg),
      textColor: hex(fg),
      nodeTextColor: hex(fg),
      titleColor: hex(fg),
      lineColor: hex(mix(fg, bg, 0.85)),
      primaryBorderColor: hex(mix(fg, bg, 0.6)),
      nodeBorder: hex(mix(fg, bg, 0.6)),
      edgeLabelBackground: hex(mix(fg, bg, 0.16)),
      attributeBackgroundColorOdd: hex(mix(fg, bg, 0.1)),
      attributeBackgroundColorEven: hex(mix(fg, bg, 0.16)),
    },
  };
}

const CLASS_DEF = /^(\s*classDef\s+\S+\s+)(.+?)\s*;?\s*$/;

/** The diagram's own `classDef` colours made for a dark background: light fills become a tint of
 * the background (the page's text stays readable on them), strokes are lightened. */
export function themedSource(source, colors) {
  if (!colors || !colors.dark) return source;
  const { bg, fg } = colors;
  return source
    .split('\n')
    .map((line) => {
      const m = CLASS_DEF.exec(line);
      if (!m) return line;
      let hasColor = false;
      const props = m[2].split(',').map((prop) => {
        const [name, ...rest] = prop.split(':');
        const key = name.trim().toLowerCase();
        const c = parseColor(rest.join(':').replace(/!important/i, '').trim());
        if (key === 'color') hasColor = true;
        if (!c) return prop;
        if (key === 'fill') return `fill:${hex(mix(c, bg, 0.3))}`;
        if (key === 'stroke') return `stroke:${hex(mix(c, [255, 255, 255], 0.6))}`;
        if (key === 'color') return `color:${hex(fg)}`;
        return prop;
      });
      if (!hasColor && props.some((p) => /^\s*fill\s*:/i.test(p))) props.push(`color:${hex(fg)}`);
      return m[1] + props.join(',');
    })
    .join('\n');
}

const MIN_SCALE = 0.02;
const MAX_SCALE = 4;
const ZOOM_STEP = 1.25;
const PAN_STEP = 60;
const FIT_PADDING = 8;

/**
 * Zoom and pan for one SVG in one viewport: wheel and double-click (at the pointer), drag, and keys when the viewport
 * has focus (+ / - zoom, 0 fits, arrows pan). The SVG is sized (width/height) and moved (translate);
 * until the user zooms or pans it stays fitted to the viewport's width as the viewport resizes.
 */
class PanZoom {
  /** `wheel`: 'always' zooms on every wheel turn (the full-size view); 'engaged' only once the view
   * has focus or with Ctrl/⌘ (a pinch), so that scrolling the notebook past the canvas still scrolls
   * it, and calls `onHint` instead. */
  constructor(viewport, onChange, { wheel = 'always', onHint = null } = {}) {
    this.viewport = viewport;
    this.onChange = onChange;
    this.wheel = wheel;
    this.onHint = onHint;
    this.svg = null;
    this.width = 0; // the SVG's own size (its viewBox)
    this.height = 0;
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this.fitted = true;
    this.drag = null;
    viewport.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    viewport.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    viewport.addEventListener('pointermove', (event) => this.onPointerMove(event));
    viewport.addEventListener('pointerup', (event) => this.onPointerUp(event));
    viewport.addEventListener('pointercancel', (event) => this.onPointerUp(event));
    viewport.addEventListener('keydown', (event) => this.onKey(event));
    viewport.addEventListener('dblclick', (event) => {
      if (!this.svg) return;
      const rect = viewport.getBoundingClientRect();
      this.zoom(2, { x: event.clientX - rect.left, y: event.clientY - rect.top });
    });
    const RO = viewport.ownerDocument.defaultView?.ResizeObserver;
    if (typeof RO === 'function') {
      this.resizes = new RO(() => {
        if (this.svg && this.fitted) this.fit();
      });
      this.resizes.observe(viewport);
    }
  }

  /** Show `svg` here; `keep` keeps the zoom and position (a redraw of the same diagram). */
  attach(svg, keep = false) {
    this.svg = svg;
    const box = svg.viewBox && svg.viewBox.baseVal;
    let width = box && box.width ? box.width : 0;
    let height = box && box.height ? box.height : 0;
    if (!width || !height) {
      const rect = svg.getBoundingClientRect();
      width = rect.width || 300;
      height = rect.height || 150;
    }
    this.width = width;
    this.height = height;
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.style.maxWidth = 'none';
    svg.style.transformOrigin = '0 0';
    if (this.viewport.firstChild !== svg || this.viewport.childNodes.length !== 1) this.viewport.replaceChildren(svg);
    if (keep && !this.fitted) this.apply();
    else this.fit();
  }

  detach() {
    this.svg = null;
    this.viewport.replaceChildren();
    this.onChange();
  }

  size() {
    return { w: this.viewport.clientWidth, h: this.viewport.clientHeight };
  }

  /** The whole width in view (never larger than the diagram's own size), centred; a diagram
   * taller than the view starts at its top. */
  fit() {
    if (!this.svg) return;
    const { w, h } = this.size();
    const room = Math.max(40, w - 2 * FIT_PADDING);
    this.scale = Math.min(1, room / this.width); // never below: the whole width shows
    this.x = (w - this.width * this.scale) / 2;
    this.y = Math.max(FIT_PADDING, (h - this.height * this.scale) / 2);
    this.fitted = true;
    this.apply();
  }

  /** Zoom by `factor` around a point of the viewport (its centre by default). */
  zoom(factor, at = null) {
    if (!this.svg) return;
    const { w, h } = this.size();
    const cx = at ? at.x : w / 2;
    const cy = at ? at.y : h / 2;
    const scale = Math.max(Math.min(MIN_SCALE, this.scale), Math.min(MAX_SCALE, this.scale * factor));
    const k = scale / this.scale;
    this.x = cx - (cx - this.x) * k;
    this.y = cy - (cy - this.y) * k;
    this.scale = scale;
    this.fitted = false;
    this.apply();
  }

  pan(dx, dy) {
    if (!this.svg) return;
    this.x += dx;
    this.y += dy;
    this.fitted = false;
    this.apply();
  }

  apply() {
    const svg = this.svg;
    if (!svg) return;
    const { w, h } = this.size();
    const sw = this.width * this.scale;
    const sh = this.height * this.scale;
    // keep some of the diagram in view however far it is dragged
    const keep = 48;
    this.x = Math.min(Math.max(this.x, Math.min(0, w - sw) - sw + keep), Math.max(0, w - sw) + w - keep);
    this.y = Math.min(Math.max(this.y, Math.min(0, h - sh) - sh + keep), Math.max(0, h - sh) + h - keep);
    svg.style.width = `${sw}px`;
    svg.style.height = `${sh}px`;
    svg.style.transform = `translate(${this.x}px, ${this.y}px)`;
    this.onChange();
  }

  onWheel(event) {
    if (!this.svg) return;
    const active = this.viewport.ownerDocument.activeElement;
    const engaged = this.wheel === 'always' || event.ctrlKey || event.metaKey || this.viewport.contains(active);
    if (!engaged) {
      this.onHint?.();
      return; // the page scrolls
    }
    event.preventDefault();
    const rect = this.viewport.getBoundingClientRect();
    const lines = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
    const delta = Math.max(-300, Math.min(300, event.deltaY * lines));
    this.zoom(Math.exp(-delta * 0.0015), { x: event.clientX - rect.left, y: event.clientY - rect.top });
  }

  onPointerDown(event) {
    if (!this.svg || event.button !== 0) return;
    this.drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
    this.viewport.dataset.dragging = 'true';
    this.viewport.setPointerCapture?.(event.pointerId);
  }

  onPointerMove(event) {
    const drag = this.drag;
    if (!drag || drag.id !== event.pointerId) return;
    this.pan(event.clientX - drag.x, event.clientY - drag.y);
    drag.x = event.clientX;
    drag.y = event.clientY;
  }

  onPointerUp(event) {
    if (!this.drag || this.drag.id !== event.pointerId) return;
    this.drag = null;
    delete this.viewport.dataset.dragging;
  }

  onKey(event) {
    if (!this.svg || event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = { ArrowLeft: [PAN_STEP, 0], ArrowRight: [-PAN_STEP, 0], ArrowUp: [0, PAN_STEP], ArrowDown: [0, -PAN_STEP] };
    if (event.key === '+' || event.key === '=') this.zoom(ZOOM_STEP);
    else if (event.key === '-' || event.key === '_') this.zoom(1 / ZOOM_STEP);
    else if (event.key === '0') this.fit();
    else if (moves[event.key]) this.pan(...moves[event.key]);
    else return;
    event.preventDefault();
    event.stopPropagation(); // not JupyterLab's notebook shortcuts (0 0 restarts the kernel)
  }

  dispose() {
    this.resizes?.disconnect();
  }
}

// ============================================================================ the widget

const STATE_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  disconnected: 'Disconnected',
};

class ChatView {
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.doc = root.ownerDocument;
    this.win = this.doc.defaultView ?? globalThis;
    this.viewId = uniqueId('view');
    this.sessionId = model.get('session_id');
    this.lastSeq = 0;
    this.turn = null; // the answer being shown: {question, answerEl, text, tools, cursor, dirty}
    this.history = [];
    this.frame = null;
    this.link = null; // 'server' | 'kernel'
    this.ws = null;
    this.tries = 0;
    this.retryTimer = null;
    this.disposed = false;
    this.mermaidUrl = null;
    this.diagram = null; // {source, svg}
    this.diagramToken = 0;
    this.serverReady = false;
    this.lastShown = null;
    this.follow = true; // the transcript sticks to its end until the user scrolls up
    this.lastScrollTop = 0;
    this.themeKey = null; // the theme the diagram was drawn for
    this.themeTimer = null;
    this.full = null; // the full-size view while open: {overlay, viewport, pz, level, opener}
    this.build();
    this.watchTheme();
    this.onCustom = (content) => this.fromKernel(content);
    model.on('msg:custom', this.onCustom);
  }

  // ------------------------------------------------------------------ DOM

  build() {
    const d = this.doc;
    const root = this.root;
    root.classList.add('mcop-chat');
    root.dataset.testid = 'mcop-chat';
    root.dataset.sessionId = this.sessionId;

    const chat = el(d, 'section', { className: 'mcop-panel mcop-chat-panel', 'aria-label': 'Chat' });
    const bar = el(d, 'header', { className: 'mcop-bar' });
    bar.append(el(d, 'span', { className: 'mcop-title', text: 'MCOP Explorer' }));
    this.status = el(d, 'span', { className: 'mcop-status', 'data-testid': 'connection', role: 'status' });
    this.statusText = el(d, 'span', { className: 'mcop-status-text' });
    this.retryButton = el(d, 'button', { className: 'mcop-link-button', 'data-testid': 'retry-button', type: 'button', text: 'Retry' });
    this.retryButton.hidden = true;
    this.retryButton.addEventListener('click', () => this.retry());
    this.status.append(el(d, 'span', { className: 'mcop-dot', 'aria-hidden': 'true' }), this.statusText, this.retryButton);
    this.catalogLabel = el(d, 'span', { className: 'mcop-catalog', 'data-testid': 'catalog' });
    bar.append(this.catalogLabel, this.status);

    this.transcript = el(d, 'div', { className: 'mcop-transcript', 'data-testid': 'transcript', role: 'log', 'aria-live': 'polite' });
    this.empty = el(d, 'p', { className: 'mcop-empty', text: 'Ask about tables, columns, owners, glossary terms, relationships or lineage.' });
    this.transcript.append(this.empty);
    this.transcript.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.jumpButton = el(d, 'button', { className: 'mcop-jump', 'data-testid': 'jump-latest', type: 'button', text: '↓ Latest', title: 'Scroll to the latest message' });
    this.jumpButton.hidden = true;
    this.jumpButton.addEventListener('click', () => {
      this.follow = true;
      this.scrollDown();
    });
    const transcriptBox = el(d, 'div', { className: 'mcop-transcript-box' });
    transcriptBox.append(this.transcript, this.jumpButton);

    const form = el(d, 'form', { className: 'mcop-ask' });
    this.input = el(d, 'textarea', {
      className: 'mcop-input', 'data-testid': 'question-input', rows: '2',
      placeholder: 'Ask about the catalog… (Enter sends, Shift+Enter for a new line)',
      'aria-label': 'Question', 'data-lm-suppress-shortcuts': 'true',
    });
    this.sendButton = el(d, 'button', { className: 'mcop-send', 'data-testid': 'send-button', type: 'submit', text: 'Send' });
    this.stopButton = el(d, 'button', { className: 'mcop-stop', 'data-testid': 'stop-button', type: 'button', text: 'Stop' });
    this.stopButton.hidden = true;
    form.append(this.input, this.sendButton, this.stopButton);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.ask();
    });
    this.stopButton.addEventListener('click', () => this.cancel());
    for (const type of ['keydown', 'keypress', 'keyup']) {
      // JupyterLab's notebook shortcuts (Shift+Enter runs the cell) must not see typing here
      this.input.addEventListener(type, (event) => event.stopPropagation());
    }
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.ask();
      }
    });
    chat.append(bar, transcriptBox, form);

    const canvas = el(d, 'section', { className: 'mcop-panel mcop-canvas-panel', 'aria-label': 'Diagram' });
    const canvasBar = el(d, 'header', { className: 'mcop-bar' });
    this.canvasTitle = el(d, 'span', { className: 'mcop-title', text: 'Diagram' });
    this.copyButton = el(d, 'button', { className: 'mcop-tool-button', 'data-testid': 'copy-source-button', type: 'button', text: 'Copy source' });
    this.downloadButton = el(d, 'button', { className: 'mcop-tool-button', 'data-testid': 'download-svg-button', type: 'button', text: 'Download SVG' });
    this.copyButton.disabled = true;
    this.downloadButton.disabled = true;
    this.copyButton.addEventListener('click', () => this.copySource());
    this.downloadButton.addEventListener('click', () => this.downloadSvg());
    canvasBar.append(this.canvasTitle, el(d, 'span', { className: 'mcop-spacer' }), this.copyButton, this.downloadButton);
    this.canvas = el(d, 'div', { className: 'mcop-canvas', 'data-testid': 'canvas', 'data-state': 'empty' });
    this.canvasNote = el(d, 'p', { className: 'mcop-canvas-note', 'data-testid': 'canvas-note', text: 'No diagram yet: ask for relationships or lineage.' });
    this.canvasDrawing = this.viewport('canvas-viewport');
    this.wheelHint = el(d, 'div', { className: 'mcop-hint', 'data-testid': 'wheel-hint', text: 'Click the diagram to zoom with the wheel (or hold Ctrl)' });
    this.wheelHint.hidden = true;
    this.pz = new PanZoom(this.canvasDrawing, () => this.showZoom(this.pz, this.zoomLevel), {
      wheel: 'engaged', onHint: () => this.hint(),
    });
    const { bar: zoomBar, level } = this.zoomBar(() => this.pz);
    this.zoomLevel = level;
    this.expandButton = el(d, 'button', { className: 'mcop-tool-button', 'data-testid': 'expand-button', type: 'button', text: '⤢ Full size', title: 'Open the diagram full size (Escape closes)' });
    this.expandButton.addEventListener('click', () => this.openFull());
    zoomBar.append(this.expandButton);
    const stage = el(d, 'div', { className: 'mcop-stage' });
    const view = el(d, 'div', { className: 'mcop-view' });
    view.append(this.canvasDrawing, this.wheelHint);
    stage.append(zoomBar, view);
    this.sourceBox = el(d, 'details', { className: 'mcop-source' });
    this.sourceBox.append(el(d, 'summary', { text: 'Mermaid source' }));
    this.sourcePre = el(d, 'pre', { 'data-testid': 'canvas-source' });
    this.sourceBox.append(this.sourcePre);
    this.sourceBox.hidden = true;
    this.canvas.append(this.canvasNote, stage, this.sourceBox);
    canvas.append(canvasBar, this.canvas);

    const body = el(d, 'div', { className: 'mcop-body' });
    body.append(chat, canvas);
    root.replaceChildren(body);
    this.setState('connecting');
    this.setRunning(false);
  }

  /** A pannable, zoomable area for a diagram (keyboard: + - 0 and arrows once focused). */
  viewport(testid) {
    const node = el(this.doc, 'div', {
      className: 'mcop-drawing', 'data-testid': testid, tabindex: '0', role: 'img',
      'aria-label': 'Diagram: the wheel or + and - zoom, drag or arrow keys pan, 0 fits',
      'data-lm-suppress-shortcuts': 'true',
    });
    for (const type of ['keydown', 'keypress', 'keyup']) {
      // the notebook's command-mode shortcuts (A, B, D D, 0 0 ...) must not see keys meant for the diagram
      node.addEventListener(type, (event) => {
        if (event.key !== 'Escape' && event.key !== 'Tab') event.stopPropagation();
      });
    }
    return node;
  }

  zoomBar(target) {
    const d = this.doc;
    const bar = el(d, 'div', { className: 'mcop-zoom', role: 'toolbar', 'aria-label': 'Zoom' });
    const button = (testid, text, title, action) => {
      const b = el(d, 'button', { className: 'mcop-tool-button', 'data-testid': testid, type: 'button', text, title, 'aria-label': title });
      b.addEventListener('click', () => action(target()));
      return b;
    };
    const level = el(d, 'span', { className: 'mcop-zoom-level', 'data-testid': 'zoom-level', text: '100%' });
    bar.append(
      button('zoom-out', '−', 'Zoom out (-)', (pz) => pz.zoom(1 / ZOOM_STEP)),
      level,
      button('zoom-in', '+', 'Zoom in (+)', (pz) => pz.zoom(ZOOM_STEP)),
      button('zoom-fit', 'Fit', 'Fit to width (0)', (pz) => pz.fit()),
    );
    return { bar, level };
  }

  hint() {
    this.wheelHint.hidden = false;
    clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => { this.wheelHint.hidden = true; }, 1500);
  }

  showZoom(pz, level) {
    level.textContent = `${Math.round(pz.scale * 100)}%`;
    pz.viewport.dataset.scale = pz.scale.toFixed(3);
  }

  setState(state, detail = '') {
    this.state = state;
    this.status.dataset.state = state;
    this.root.dataset.state = state;
    if (this.link) {
      this.status.dataset.mode = this.link;
      this.root.dataset.mode = this.link;
    }
    let text = STATE_TEXT[state];
    if (state === 'connected') text += this.link === 'kernel' ? ' (kernel)' : ' (server)';
    if (state === 'reconnecting') text += ` (${this.tries}/${MAX_TRIES})…`;
    if (detail) text += ` — ${detail}`;
    this.statusText.textContent = text;
    this.retryButton.hidden = state !== 'disconnected';
    this.sendButton.disabled = state !== 'connected';
  }

  setRunning(running) {
    this.running = running;
    this.stopButton.hidden = !running;
    this.root.dataset.busy = running ? 'true' : 'false';
  }

  atBottom() {
    const t = this.transcript;
    return t.scrollHeight - t.scrollTop - t.clientHeight < 40;
  }

  /** The user's scrolling decides: near the end, follow new text; scrolled up, stay there. */
  onScroll() {
    const top = this.transcript.scrollTop;
    if (this.atBottom()) this.follow = true;
    else if (top < this.lastScrollTop - 1) this.follow = false; // only the user scrolls up
    this.lastScrollTop = top;
    this.jumpButton.hidden = this.follow;
  }

  scrollDown() {
    const t = this.transcript;
    t.scrollTop = t.scrollHeight;
    this.lastScrollTop = t.scrollTop;
    this.jumpButton.hidden = true;
  }

  /** After the transcript grew: to its end if following, else offer the way there. */
  keepDown() {
    if (this.follow) this.scrollDown();
    else this.jumpButton.hidden = false;
  }

  addMessage(role, node) {
    this.empty.remove();
    node.classList.add('mcop-msg', `mcop-${role}`);
    node.dataset.testid = 'message';
    node.dataset.role = role;
    this.transcript.append(node);
    this.keepDown();
    return node;
  }

  userMessage(question) {
    const node = el(this.doc, 'div', { className: 'mcop-text', text: question });
    return this.addMessage('user', node);
  }

  errorMessage(content, code) {
    const node = el(this.doc, 'div', { text: content });
    if (code) node.dataset.code = code;
    return this.addMessage('error', node);
  }

  toolCard(name, args) {
    const d = this.doc;
    const card = el(d, 'div', { 'data-status': 'running' });
    const head = el(d, 'div', { className: 'mcop-tool-head' });
    head.append(el(d, 'span', { className: 'mcop-tool-name', 'data-testid': 'tool-name', text: name }));
    if (args && Object.keys(args).length) {
      head.append(el(d, 'code', { className: 'mcop-tool-args', 'data-testid': 'tool-args', text: formatArgs(args) }));
    }
    card.append(head);
    card.resultEl = el(d, 'div', { className: 'mcop-tool-result', 'data-testid': 'tool-result', text: 'running…' });
    card.append(card.resultEl);
    return this.placeTool(card);
  }

  placeTool(card) {
    const turn = this.turn;
    if (turn && turn.answerEl) {
      this.empty.remove();
      card.classList.add('mcop-msg', 'mcop-tool');
      card.dataset.testid = 'message';
      card.dataset.role = 'tool';
      this.transcript.insertBefore(card, turn.answerEl); // tools above the answer they feed
      this.keepDown();
      return card;
    }
    return this.addMessage('tool', card);
  }

  toolResult(card, content) {
    const d = this.doc;
    card.dataset.status = 'done';
    const text = String(content ?? '');
    const preview = text.length > TOOL_PREVIEW_CHARS ? `${text.slice(0, TOOL_PREVIEW_CHARS)}…` : text;
    const details = el(d, 'details');
    details.append(el(d, 'summary', { text: `returned ${text.length.toLocaleString('en')} characters: ${preview}` }));
    const full = text.length > TOOL_DETAIL_CHARS ? `${text.slice(0, TOOL_DETAIL_CHARS)}\n… (${(text.length - TOOL_DETAIL_CHARS).toLocaleString('en')} more characters)` : text;
    details.append(el(d, 'pre', { text: full }));
    card.resultEl.replaceChildren(details);
    this.keepDown();
  }

  // ------------------------------------------------------------------ answers

  openTurn(question) {
    this.finishTurn();
    if (question !== null) this.userMessage(question);
    this.turn = { question, answerEl: null, text: '', tools: new Map(), cursor: null, dirty: false, renders: 0 };
    this.setRunning(true);
    return this.turn;
  }

  answerEl(turn) {
    if (!turn.answerEl) {
      const node = el(this.doc, 'div', { className: 'mcop-markdown' });
      node.dataset.streaming = 'true';
      turn.answerEl = this.addMessage('agent', node);
      turn.cursor = el(this.doc, 'span', { className: 'mcop-cursor', 'data-testid': 'streaming-cursor', 'aria-hidden': 'true' });
      node.append(turn.cursor);
    }
    return turn.answerEl;
  }

  renderAnswer(turn) {
    const node = this.answerEl(turn);
    node.replaceChildren(renderMarkdown(turn.text, this.doc));
    turn.renders += 1;
    node.dataset.renders = String(turn.renders);
    if (turn.cursor) lastTextBlock(node).append(turn.cursor);
    turn.dirty = false;
    this.keepDown();
  }

  schedule() {
    if (this.frame === null) {
      this.frame = nextFrame(() => {
        this.frame = null;
        if (this.turn && this.turn.dirty) this.renderAnswer(this.turn);
      });
    }
  }

  finishTurn() {
    const turn = this.turn;
    if (!turn) return;
    this.turn = null;
    if (turn.answerEl) {
      turn.cursor = null;
      if (turn.text) this.renderAnswer(turn);
      else turn.answerEl.remove();
      delete turn.answerEl.dataset.streaming;
    }
    for (const card of turn.tools.values()) {
      if (card.dataset.status === 'running') {
        card.dataset.status = 'stopped';
        card.resultEl.textContent = 'no result';
      }
    }
    this.setRunning(false);
  }

  /** One protocol message (v2, from the WebSocket or the kernel). */
  onMessage(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (typeof msg.seq === 'number') {
      if (msg.seq <= this.lastSeq) return; // seen before this reconnect
      this.lastSeq = msg.seq;
    }
    const turn = this.turn;
    switch (msg.type) {
      case 'user':
        this.openTurn(String(msg.content ?? ''));
        break;
      case 'agent_partial': {
        const t = turn ?? this.openTurn(null);
        if (typeof msg.delta === 'string') t.text += msg.delta;
        else if (typeof msg.content === 'string') t.text = msg.content; // v1: the text so far
        t.dirty = true;
        this.answerEl(t);
        this.schedule();
        break;
      }
      case 'tool_start': {
        const t = turn ?? this.openTurn(null);
        t.tools.set(msg.tool_call_id || uniqueId('call'), this.toolCard(String(msg.tool_name ?? ''), msg.args));
        break;
      }
      case 'tool': {
        const t = turn ?? this.openTurn(null);
        let card = msg.tool_call_id ? t.tools.get(msg.tool_call_id) : undefined;
        if (!card) {
          card = this.toolCard(String(msg.tool_name ?? ''), null);
          t.tools.set(msg.tool_call_id || uniqueId('call'), card);
        }
        this.toolResult(card, msg.content);
        break;
      }
      case 'agent': {
        const t = turn ?? this.openTurn(null);
        t.text = String(msg.content ?? '');
        t.dirty = true;
        this.answerEl(t);
        const duplicate = t.question === null && this.repeatsHistory(t.text, null);
        const answerEl = t.answerEl;
        this.finishTurn();
        if (duplicate) {
          // the tail of an answer the transcript already showed (it ended while nobody watched)
          answerEl.remove();
          for (const card of t.tools.values()) card.remove();
          break;
        }
        if (msg.diagram) {
          // let the final text paint first: Mermaid's render holds the main thread for a while
          const source = String(msg.diagram);
          nextFrame(() => setTimeout(() => this.showDiagram(source, t.question), 0));
        }
        break;
      }
      case 'error': {
        const content = String(msg.content ?? 'Error');
        if (typeof msg.seq === 'number') {
          // it ends the answer in flight (refusals of a message carry no seq)
          const duplicate = (turn === null || turn.question === null) && this.repeatsHistory(null, content);
          if (turn) this.finishTurn();
          if (duplicate) {
            if (turn && turn.answerEl) turn.answerEl.remove();
            if (turn) for (const card of turn.tools.values()) card.remove();
            break;
          }
        }
        this.errorMessage(content, msg.code);
        break;
      }
      default:
        break;
    }
  }

  /** Whether an answer that began before this view connected is the transcript's last one. */
  repeatsHistory(answer, error) {
    const last = this.history[this.history.length - 1];
    if (!last || this.lastShown === last) return false;
    const same = error === null ? last.answer === answer : last.error === error;
    if (same) this.lastShown = last; // only once
    return same;
  }

  /** What the session said before this view: the server's transcript response (or the kernel's copy). */
  showHistory(transcript) {
    const exchanges = Array.isArray(transcript?.exchanges) ? transcript.exchanges : [];
    this.history = exchanges;
    let diagram = null;
    for (const exchange of exchanges) {
      this.userMessage(String(exchange.question ?? ''));
      for (const tool of exchange.tools ?? []) {
        const card = this.toolCard(String(tool.tool_name ?? ''), null);
        this.toolResult(card, tool.content);
      }
      if (exchange.answer) {
        const node = el(this.doc, 'div', { className: 'mcop-markdown' });
        node.append(renderMarkdown(exchange.answer, this.doc));
        this.addMessage('agent', node);
      }
      if (exchange.error) this.errorMessage(String(exchange.error));
      if (exchange.diagram) diagram = { source: String(exchange.diagram), question: exchange.question };
    }
    if (diagram) this.showDiagram(diagram.source, diagram.question);
    this.scrollDown();
  }

  // ------------------------------------------------------------------ asking

  ask() {
    const question = this.input.value;
    if (!question.trim() || this.state !== 'connected') return;
    if (this.send({ content: question })) {
      this.input.value = '';
      this.follow = true; // one's own question brings the transcript to its end
      this.scrollDown();
    }
  }

  cancel() {
    this.send({ type: 'cancel' });
  }

  send(frame) {
    if (this.link === 'kernel') {
      this.model.send({ ...frame, view: this.viewId });
      return true;
    }
    if (!this.ws || this.ws.readyState !== 1) return false;
    const text = JSON.stringify(frame);
    if (new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
      this.errorMessage('The question is too long to send.', 'content_too_long');
      return false;
    }
    this.ws.send(text);
    return true;
  }

  // ------------------------------------------------------------------ choosing the mode

  async start() {
    const mode = this.model.get('mode');
    const config = jupyterConfig(this.doc);
    const location = this.win.location;
    this.base = config ? serverBase(config, location) : null;
    this.token = config && typeof config.token === 'string' ? config.token : '';
    if (this.base) {
      this.mermaidUrl = new URL(MERMAID_PATH, this.base).href;
      this.preloadMermaid();
    }
    if (mode === 'kernel') return this.useKernel();
    const info = this.base ? await this.probe() : null;
    this.serverCatalog = info && info.ready ? String(info.catalog) : '';
    if (this.disposed) return undefined;
    if (mode === 'server') {
      if (info && info.ready) return this.useServer();
      const why = !this.base
        ? 'this page is not served by Jupyter'
        : info ? `the explorer is not ready: ${info.problem}` : 'the MCOP server extension did not answer';
      this.link = 'server';
      this.errorMessage(`Cannot use the server: ${why}.`, 'server_unavailable');
      this.setState('disconnected');
      return undefined;
    }
    const wantModel = this.model.get('model_setting');
    const wantCatalog = this.model.get('catalog_setting');
    const matches = info && info.ready && (!wantModel || wantModel === info.model) && (!wantCatalog || wantCatalog === info.catalog);
    return matches ? this.useServer() : this.useKernel();
  }

  async probe() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
    try {
      const reply = await fetch(new URL('mcop/api/info', this.base), {
        credentials: 'same-origin', headers: this.headers(), signal: controller.signal,
      });
      return reply.ok ? await reply.json() : null;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  headers() {
    const headers = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `token ${this.token}`;
    return headers;
  }

  // ------------------------------------------------------------------ kernel mode

  useKernel() {
    this.link = 'kernel';
    this.setState('connecting');
    this.model.send({ type: 'use_kernel', view: this.viewId });
  }

  fromKernel(content) {
    if (this.disposed || !content || content.view !== this.viewId) return;
    if (content.kind === 'history') {
      this.showCatalog(content.catalog ? String(content.catalog) : '');
      this.clearTranscript();
      this.showHistory(content);
      this.setState('connected');
    } else if (content.kind === 'message') {
      this.onMessage(content.message);
    } else if (content.kind === 'failed') {
      this.errorMessage(`The kernel cannot run the explorer: ${content.content}`, 'kernel_unavailable');
      this.setState('disconnected');
    }
  }

  clearTranscript() {
    this.finishTurn();
    this.transcript.replaceChildren(this.empty);
    this.lastSeq = 0;
  }

  // ------------------------------------------------------------------ server mode

  showCatalog(text) {
    // which catalog answers: the server's setting, or the kernel session's catalog (as text only)
    this.catalogLabel.textContent = text ? `Catalog: ${text}` : '';
    this.catalogLabel.title = text || '';
  }

  async useServer() {
    this.showCatalog(this.serverCatalog);
    this.link = 'server';
    this.serverReady = true;
    this.setState('connecting');
    try {
      const url = new URL(`mcop/api/sessions/${encodeURIComponent(this.sessionId)}/transcript`, this.base);
      const reply = await fetch(url, { credentials: 'same-origin', headers: this.headers() });
      if (reply.ok && !this.disposed) this.showHistory(await reply.json());
    } catch {
      // no history to show; the stream still works
    }
    if (!this.disposed) this.connect();
  }

  connect() {
    this.retryTimer = null;
    const url = new URL(`mcop/ws/${encodeURIComponent(this.sessionId)}`, this.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('protocol', '2');
    if (this.lastSeq > 0) url.searchParams.set('last_seq', String(this.lastSeq));
    let opened = false;
    const ws = new WebSocket(url.href);
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.tries = 0;
      this.setState('connected');
    };
    ws.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      this.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.disposed) return;
      if (opened) this.tries = 0;
      this.tries += 1;
      if (this.tries > MAX_TRIES) {
        this.tries = MAX_TRIES;
        this.setState('disconnected');
        return;
      }
      this.setState('reconnecting');
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (this.tries - 1));
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  retry() {
    this.tries = 0;
    if (this.link === 'kernel') return this.useKernel();
    if (this.state !== 'disconnected') return undefined;
    if (!this.serverReady) return this.start();
    this.setState('connecting');
    this.connect();
    return undefined;
  }

  // ------------------------------------------------------------------ the canvas

  /** Mermaid as soon as the widget is shown, so the first diagram does not wait for it. */
  preloadMermaid() {
    this.root.dataset.mermaid = 'loading';
    loadMermaid(this.mermaidUrl, this.doc).then(
      () => { this.root.dataset.mermaid = 'ready'; },
      () => { this.root.dataset.mermaid = 'missing'; },
    );
  }

  async showDiagram(source, question) {
    this.diagram = { source, question, svg: null };
    this.canvasTitle.textContent = question ? `Diagram: ${question}` : 'Diagram';
    this.canvasTitle.title = this.canvasTitle.textContent;
    this.sourcePre.textContent = source;
    this.sourceBox.hidden = false;
    this.copyButton.disabled = false;
    this.downloadButton.disabled = true;
    this.pz.detach();
    if (this.full) this.full.pz.detach();
    if (!this.mermaidUrl) {
      this.sourceBox.open = true;
      return this.canvasState('source', 'Diagrams are drawn by the Mermaid that the MCOP server extension serves, and this page has none; here is the Mermaid source.');
    }
    this.canvasState('rendering', 'Drawing…');
    return this.drawDiagram(false);
  }

  /** Draw the current diagram in the page's theme; a redraw keeps the zoom and position. */
  async drawDiagram(redraw) {
    const token = ++this.diagramToken;
    const { source } = this.diagram;
    let mermaid;
    try {
      mermaid = await loadMermaid(this.mermaidUrl, this.doc);
    } catch {
      if (token !== this.diagramToken || this.disposed) return undefined;
      this.sourceBox.open = true;
      return this.canvasState('source', 'Mermaid is not available here (the MCOP server extension serves it); here is the Mermaid source.');
    }
    try {
      const colors = themeColors(this.canvas);
      mermaid.initialize(mermaidConfig(colors));
      const { svg } = await mermaid.render(uniqueId('mcop-diagram'), themedSource(source, colors));
      if (token !== this.diagramToken || this.disposed) return undefined;
      const template = this.doc.createElement('template');
      template.innerHTML = svg; // Mermaid's own SVG, sanitised by it in strict mode
      const svgEl = template.content.querySelector('svg');
      if (!svgEl) throw new Error('Mermaid returned no SVG');
      svgEl.dataset.testid = 'canvas-svg';
      this.diagram.svg = svgEl;
      this.themeKey = themeKey(colors);
      this.canvas.dataset.theme = colors.dark ? 'dark' : 'light';
      this.canvasState('rendered', '');
      (this.full ? this.full.pz : this.pz).attach(svgEl, redraw);
      this.downloadButton.disabled = false;
      if (!redraw) this.sourceBox.open = false;
      return undefined;
    } catch (error) {
      if (token !== this.diagramToken || this.disposed) return undefined;
      this.sourceBox.open = true;
      const reason = error && error.message ? error.message : String(error);
      return this.canvasState('error', `Mermaid could not draw this diagram: ${reason}`);
    }
  }

  /** JupyterLab switched theme (or VS Code did): draw the diagram again in the new colours. */
  watchTheme() {
    const MO = this.win.MutationObserver;
    if (typeof MO !== 'function' || !this.doc.body) return;
    this.themeWatch = new MO(() => {
      if (this.themeTimer !== null) return;
      // the theme's style sheet is in place a moment after the attribute changes
      this.themeTimer = setTimeout(() => nextFrame(() => {
        this.themeTimer = null;
        const diagram = this.diagram;
        if (this.disposed || !diagram || !diagram.svg) return;
        if (themeKey(themeColors(this.canvas)) !== this.themeKey) this.drawDiagram(true);
      }), 60);
    });
    this.themeWatch.observe(this.doc.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name', 'class'] });
  }

  // ------------------------------------------------------------------ the full-size view

  openFull() {
    const svg = this.diagram && this.diagram.svg;
    if (!svg || this.full) return;
    const d = this.doc;
    const overlay = el(d, 'div', {
      className: 'mcop-chat mcop-overlay', 'data-testid': 'diagram-overlay', role: 'dialog',
      'aria-modal': 'true', 'aria-label': 'Diagram, full size',
    });
    const bar = el(d, 'header', { className: 'mcop-bar' });
    const title = el(d, 'span', { className: 'mcop-title', text: this.canvasTitle.textContent });
    const viewport = this.viewport('overlay-viewport');
    const full = { overlay, viewport, pz: null, level: null, opener: d.activeElement };
    full.pz = new PanZoom(viewport, () => this.showZoom(full.pz, full.level));
    const { bar: zoomBar, level } = this.zoomBar(() => full.pz);
    full.level = level;
    const close = el(d, 'button', { className: 'mcop-tool-button', 'data-testid': 'overlay-close', type: 'button', text: 'Close', title: 'Close (Escape)' });
    close.addEventListener('click', () => this.closeFull());
    bar.append(title, el(d, 'span', { className: 'mcop-spacer' }), zoomBar, close);
    const stage = el(d, 'div', { className: 'mcop-stage' });
    const view = el(d, 'div', { className: 'mcop-view' });
    view.append(viewport);
    stage.append(view);
    overlay.append(bar, stage);
    overlay.addEventListener('keydown', (event) => event.stopPropagation());
    full.onKey = (event) => {
      // Escape closes wherever the focus is, before JupyterLab sees it
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      this.closeFull();
    };
    d.addEventListener('keydown', full.onKey, true);
    this.full = full;
    (d.body || this.root).append(overlay);
    full.pz.attach(svg);
    viewport.focus({ preventScroll: true });
  }

  closeFull() {
    const full = this.full;
    if (!full) return;
    this.full = null;
    this.doc.removeEventListener('keydown', full.onKey, true);
    full.pz.dispose();
    full.overlay.remove();
    const svg = this.diagram && this.diagram.svg;
    if (svg) this.pz.attach(svg, true);
    const back = full.opener && full.opener.isConnected ? full.opener : this.expandButton;
    back.focus?.({ preventScroll: true });
  }

  canvasState(state, note) {
    this.canvas.dataset.state = state;
    this.canvasNote.textContent = note;
    this.canvasNote.hidden = !note;
  }

  async copySource() {
    if (!this.diagram) return;
    const source = this.diagram.source;
    let copied = false;
    try {
      await this.win.navigator.clipboard.writeText(source);
      copied = true;
    } catch {
      const area = el(this.doc, 'textarea', { className: 'mcop-offscreen' });
      area.value = source;
      this.root.append(area);
      area.select();
      try {
        copied = this.doc.execCommand('copy');
      } catch {
        copied = false;
      }
      area.remove();
    }
    this.flash(this.copyButton, copied ? 'Copied' : 'Copy failed', 'Copy source');
  }

  downloadSvg() {
    const svg = this.diagram && this.diagram.svg;
    if (!svg) return;
    const text = new this.win.XMLSerializer().serializeToString(svg);
    const blob = new Blob([text], { type: 'image/svg+xml' });
    const url = URL.createObjectURL(blob);
    const a = el(this.doc, 'a', { download: `${this.sessionId}-diagram.svg`, href: url, className: 'mcop-offscreen' });
    this.root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    this.flash(this.downloadButton, 'Downloaded', 'Download SVG');
  }

  flash(button, text, normal) {
    button.textContent = text;
    button.dataset.done = 'true';
    setTimeout(() => {
      button.textContent = normal;
      delete button.dataset.done;
    }, 1500);
  }

  // ------------------------------------------------------------------ the end

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    // the view is gone (its output was cleared, or its kernel stopped): say so if it is still shown
    this.setState('disconnected', 'this widget was closed; run its cell again');
    this.retryButton.hidden = true;
    this.input.disabled = true;
    this.stopButton.hidden = true;
    this.root.dataset.closed = 'true';
    this.model.off('msg:custom', this.onCustom);
    if (this.frame !== null) cancelFrame(this.frame);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.themeTimer !== null) clearTimeout(this.themeTimer);
    clearTimeout(this.hintTimer);
    this.themeWatch?.disconnect();
    this.closeFull();
    this.pz.dispose();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
    if (this.link === 'kernel') {
      try {
        this.model.send({ type: 'detach', view: this.viewId });
      } catch {
        // the kernel is gone
      }
    }
  }
}

function formatArgs(args) {
  return Object.entries(args)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
}

/** anywidget's entry point: one ChatView per displayed output. */
function render({ model, el: root, signal }) {
  const view = new ChatView(model, root);
  view.start().catch((error) => {
    view.errorMessage(`The widget could not start: ${error && error.message ? error.message : error}`);
    view.setState('disconnected');
  });
  if (signal) signal.addEventListener('abort', () => view.dispose());
  return () => view.dispose();
}

export default { render };
export { ChatView };
