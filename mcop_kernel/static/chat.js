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
    }).then((mermaid) => {
      const dark = doc.body?.dataset?.jpThemeLight === 'false';
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        suppressErrorRendering: true,
        theme: dark ? 'dark' : 'default',
      });
      return mermaid;
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
    this.build();
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
    chat.append(bar, this.transcript, form);

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
    this.canvasDrawing = el(d, 'div', { className: 'mcop-drawing' });
    this.sourceBox = el(d, 'details', { className: 'mcop-source' });
    this.sourceBox.append(el(d, 'summary', { text: 'Mermaid source' }));
    this.sourcePre = el(d, 'pre', { 'data-testid': 'canvas-source' });
    this.sourceBox.append(this.sourcePre);
    this.sourceBox.hidden = true;
    this.canvas.append(this.canvasNote, this.canvasDrawing, this.sourceBox);
    canvas.append(canvasBar, this.canvas);

    const body = el(d, 'div', { className: 'mcop-body' });
    body.append(chat, canvas);
    root.replaceChildren(body);
    this.setState('connecting');
    this.setRunning(false);
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

  scrollDown() {
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  addMessage(role, node) {
    const stick = this.atBottom();
    this.empty.remove();
    node.classList.add('mcop-msg', `mcop-${role}`);
    node.dataset.testid = 'message';
    node.dataset.role = role;
    this.transcript.append(node);
    if (stick) this.scrollDown();
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
    const stick = this.atBottom();
    node.replaceChildren(renderMarkdown(turn.text, this.doc));
    turn.renders += 1;
    node.dataset.renders = String(turn.renders);
    if (turn.cursor) lastTextBlock(node).append(turn.cursor);
    turn.dirty = false;
    if (stick) this.scrollDown();
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
    if (this.send({ content: question })) this.input.value = '';
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
    if (this.base) this.mermaidUrl = new URL(MERMAID_PATH, this.base).href;
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

  async showDiagram(source, question) {
    const token = ++this.diagramToken;
    this.diagram = { source, svg: null };
    this.canvasTitle.textContent = question ? `Diagram: ${question}` : 'Diagram';
    this.canvasTitle.title = this.canvasTitle.textContent;
    this.sourcePre.textContent = source;
    this.sourceBox.hidden = false;
    this.copyButton.disabled = false;
    this.downloadButton.disabled = true;
    this.canvasDrawing.replaceChildren();
    if (!this.mermaidUrl) {
      this.sourceBox.open = true;
      return this.canvasState('source', 'Diagrams are drawn by the Mermaid that the MCOP server extension serves, and this page has none; here is the Mermaid source.');
    }
    this.canvasState('rendering', 'Drawing…');
    let mermaid;
    try {
      mermaid = await loadMermaid(this.mermaidUrl, this.doc);
    } catch {
      if (token !== this.diagramToken || this.disposed) return undefined;
      this.sourceBox.open = true;
      return this.canvasState('source', 'Mermaid is not available here (the MCOP server extension serves it); here is the Mermaid source.');
    }
    try {
      const { svg } = await mermaid.render(uniqueId('mcop-diagram'), source);
      if (token !== this.diagramToken || this.disposed) return undefined;
      const template = this.doc.createElement('template');
      template.innerHTML = svg; // Mermaid's own SVG, sanitised by it in strict mode
      const svgEl = template.content.querySelector('svg');
      if (!svgEl) throw new Error('Mermaid returned no SVG');
      svgEl.dataset.testid = 'canvas-svg';
      this.canvasDrawing.replaceChildren(svgEl);
      this.diagram.svg = svgEl;
      this.downloadButton.disabled = false;
      this.sourceBox.open = false;
      return this.canvasState('rendered', '');
    } catch (error) {
      if (token !== this.diagramToken || this.disposed) return undefined;
      this.sourceBox.open = true;
      const reason = error && error.message ? error.message : String(error);
      return this.canvasState('error', `Mermaid could not draw this diagram: ${reason}`);
    }
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
