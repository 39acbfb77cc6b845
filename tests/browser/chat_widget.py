"""The ChatWidget as a user sees it in a page, through its `data-testid` hooks (mcop_kernel/static/chat.js):

- `mcop-chat` (the widget root: `data-state`, `data-busy`), `connection` (`data-state`: connecting,
  connected, reconnecting, disconnected), `question-input`, `send-button`, `stop-button`;
- `message` elements with `data-role` user | agent | tool | error; an agent message streams with
  `data-streaming="true"` and holds the `streaming-cursor` until its final text;
- `canvas` (`data-state`: empty, rendering, rendered, error, source; `data-theme`: light, dark) and
  its `canvas-svg`, inside `canvas-viewport` (`data-scale`) with `zoom-in`, `zoom-out`, `zoom-fit`,
  `zoom-level` and `expand-button`; the full-size view is `diagram-overlay` (`overlay-viewport`,
  `overlay-close`); `jump-latest` brings a scrolled-up transcript to its end. The root's
  `data-mermaid` is loading, ready or missing.

Usage::

    chat = ChatWidgetPage(page)
    chat.wait_connected()
    stream = chat.ask("Show relationships between fact_bs_purchase_order and suppliers")
    answer = stream.wait_final()          # the new agent message's text, once its cursor is gone
    assert stream.partial_seen()          # text was visible while the cursor was still there
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page

from .notebook_page import hide_side_panels, open_notebook, run_all_cells

# Watches the transcript from before the question is sent: every DOM change is a sample of the
# newest agent message (its text length, whether the streaming cursor is in it).
SAMPLER = """(root, baseline) => {
  const transcript = root.querySelector('[data-testid=transcript]');
  const state = {samples: [], baseline, t0: performance.now()};
  const sample = () => {
    const agents = transcript.querySelectorAll('[data-role=agent]');
    const agent = agents.length > baseline ? agents[agents.length - 1] : null;
    if (!agent) return;
    state.samples.push({
      t: performance.now() - state.t0,
      len: agent.innerText.length,
      cursor: !!agent.querySelector('[data-testid=streaming-cursor]'),
      streaming: agent.dataset.streaming === 'true',
    });
  };
  state.observer = new MutationObserver(sample);
  state.observer.observe(transcript, {childList: true, subtree: true, characterData: true, attributes: true});
  root.__mcopSampler = state;
}"""


@dataclass
class AnswerStream:
    chat: ChatWidgetPage
    baseline: int
    """Agent messages in the transcript before the question was sent."""

    @property
    def agent(self) -> Locator:
        return self.chat.messages("agent").nth(self.baseline)

    def wait_partial(self, timeout_ms: float = 20_000) -> dict[str, Any]:
        """Wait until the new answer shows some text while its cursor is still there."""
        self.chat.page.wait_for_function(
            """(root) => (root.__mcopSampler.samples || []).some(s => s.cursor && s.len > 0)""",
            arg=self.chat.root.element_handle(),
            timeout=timeout_ms,
        )
        return self.samples()[-1]

    def wait_final(self, timeout_ms: float = 30_000) -> str:
        """The new answer's text once it is final: cursor gone, not streaming, widget not busy."""
        self.chat.page.wait_for_function(
            """([root, baseline]) => {
              const agents = root.querySelectorAll('[data-testid=transcript] [data-role=agent]');
              const agent = agents[baseline];
              return !!agent && !agent.querySelector('[data-testid=streaming-cursor]')
                && agent.dataset.streaming !== 'true' && root.dataset.busy === 'false';
            }""",
            arg=[self.chat.root.element_handle(), self.baseline],
            timeout=timeout_ms,
        )
        return self.agent.inner_text()

    def samples(self) -> list[dict[str, Any]]:
        return list(self.chat.root.evaluate("(root) => root.__mcopSampler.samples"))

    def partial_lengths(self) -> list[int]:
        """Distinct text lengths the answer showed while its streaming cursor was there."""
        return sorted({s["len"] for s in self.samples() if s["cursor"] and s["len"] > 0})


class ChatWidgetPage:
    def __init__(self, page: Page, index: int = 0) -> None:
        self.page = page
        self.root = page.get_by_test_id("mcop-chat").nth(index)

    @property
    def connection(self) -> Locator:
        return self.root.get_by_test_id("connection")

    @property
    def canvas(self) -> Locator:
        return self.root.get_by_test_id("canvas")

    @property
    def svg(self) -> Locator:
        return self.root.get_by_test_id("canvas-svg")

    def messages(self, role: str | None = None) -> Locator:
        selector = '[data-testid="message"]' + (f'[data-role="{role}"]' if role else "")
        return self.root.locator(selector)

    def state(self) -> str:
        return str(self.connection.get_attribute("data-state"))

    def wait_state(self, *states: str, timeout_ms: float = 20_000) -> str:
        self.page.wait_for_function(
            """([el, states]) => states.includes(el.dataset.state)""",
            arg=[self.connection.element_handle(timeout=timeout_ms), list(states)],
            timeout=timeout_ms,
        )
        return self.state()

    def wait_connected(self, timeout_ms: float = 20_000) -> None:
        self.root.wait_for(timeout=timeout_ms)
        self.wait_state("connected", timeout_ms=timeout_ms)

    def ask(self, question: str) -> AnswerStream:
        """Type the question in the question box and press Enter (as a user does)."""
        baseline = self.messages("agent").count()
        self.root.evaluate(SAMPLER, baseline)
        box = self.root.get_by_test_id("question-input")
        box.click()
        box.fill(question)
        box.press("Enter")
        return AnswerStream(self, baseline)

    def wait_svg(self, timeout_ms: float = 30_000) -> str:
        """The drawn diagram's text, once the canvas shows an SVG."""
        self.svg.wait_for(timeout=timeout_ms)
        self.page.wait_for_function(
            "(canvas) => canvas.dataset.state === 'rendered'",
            arg=self.canvas.element_handle(),
            timeout=timeout_ms,
        )
        return str(self.svg.evaluate("(svg) => svg.textContent"))

    @property
    def transcript(self) -> Locator:
        return self.root.get_by_test_id("transcript")

    def scroll_position(self) -> dict[str, float]:
        """The transcript's scrollTop, clientHeight and scrollHeight, and how far its end is below view."""
        return dict(
            self.transcript.evaluate(
                """(t) => ({top: t.scrollTop, height: t.clientHeight, scroll: t.scrollHeight,
                    below: t.scrollHeight - t.scrollTop - t.clientHeight})"""
            )
        )

    def wait_mermaid(self, timeout_ms: float = 60_000) -> None:
        """Wait until the page has Mermaid (the widget loads it when shown)."""
        self.page.wait_for_function(
            "(root) => root.dataset.mermaid === 'ready'", arg=self.root.element_handle(), timeout=timeout_ms
        )

    def box(self, testid: str) -> dict[str, float]:
        """The bounding box of the widget's element `testid` (the diagram's SVG: `canvas-svg`)."""
        found = self.page.get_by_test_id(testid).first.bounding_box()
        assert found is not None, testid
        return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}

    def describe(self) -> dict[str, Any]:
        """The widget's state and messages, for failure messages."""
        return dict(
            self.root.evaluate(
                """(root) => ({
                  state: root.dataset.state, busy: root.dataset.busy,
                  canvas: root.querySelector('[data-testid=canvas]')?.dataset.state,
                  note: root.querySelector('[data-testid=canvas-note]')?.innerText,
                  messages: [...root.querySelectorAll('[data-testid=message]')]
                    .map(m => m.dataset.role + ': ' + m.innerText.slice(0, 300)),
                })"""
            )
        )


def widget_cell(session_id: str) -> str:
    return f'from mcop_kernel import ChatWidget; ChatWidget(session_id="{session_id}")'


def open_chat(page: Page, url: str) -> ChatWidgetPage:
    """Open the notebook at `url` (its first output a ChatWidget), run it, wait until connected."""
    open_notebook(page, url)
    hide_side_panels(page)
    run_all_cells(page)
    chat = ChatWidgetPage(page)
    chat.wait_connected()
    return chat
