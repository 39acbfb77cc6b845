"""The event log: numbered events, readers woken as they arrive, finished answers compacted."""

from __future__ import annotations

import asyncio
import gc

from mcop_kernel.protocol import AgentEvent, ErrorEvent, PartialEvent, ToolEvent, UserEvent
from mcop_kernel.session_log import AnswerText, EventLog


def _answer(log: EventLog, answer: int, words: list[str], final: AgentEvent | ErrorEvent) -> None:
    text = AnswerText()
    log.emit(answer, UserEvent(f"question {answer}"))
    for word in words:
        log.emit_text(answer, text, word)
    log.emit(answer, final)


def test_a_reader_behind_gets_the_tokens_of_an_answer_as_one_partial() -> None:
    log = EventLog()
    _answer(log, 1, ["Here ", "are ", "tables"], AgentEvent("Here are tables"))
    assert [(item.seq, item.event) for item in log.since(1)] == [
        (4, PartialEvent("Here are tables", "Here are tables")),
        (5, AgentEvent("Here are tables")),
    ]
    assert log.since(3)[0].event == PartialEvent("tables", "Here are tables")
    assert log.last_seq == 5 and log.since(5) == []


def test_compacting_drops_what_the_final_message_repeats_and_keeps_a_failed_answers_text() -> None:
    log = EventLog()
    _answer(log, 1, ["Here ", "are"], AgentEvent("Here are"))
    _answer(log, 2, ["Half ", "an"], ErrorEvent("Answer cancelled.", "cancelled"))
    _answer(log, 3, ["Gone"], AgentEvent("Gone"))
    log.compact(oldest=1)  # answer 1 is past the number kept
    events = [item.event for item in log.since(0)]
    assert events == [
        UserEvent("question 2"),
        PartialEvent("Half an", "Half an"),  # the only place its text is
        ErrorEvent("Answer cancelled.", "cancelled"),
        UserEvent("question 3"),
        AgentEvent("Gone"),
    ]
    assert log.next_seq == 12  # numbers go on where they were


async def test_a_waiting_reader_wakes_for_an_event_and_a_pausing_one_only_for_more_than_text() -> None:
    log = EventLog()
    waiting = asyncio.ensure_future(log.wait_for_change())
    pausing = asyncio.ensure_future(log.pause(10.0))
    await asyncio.sleep(0)
    log.emit_text(1, AnswerText(), "token")
    await asyncio.sleep(0)
    assert waiting.done() and not pausing.done()  # more text never cuts a pause short
    log.emit(1, ToolEvent("list_tables", "{}"))
    await asyncio.wait_for(pausing, 1.0)


def test_a_reader_resuming_anywhere_gets_exactly_the_text_after_its_number() -> None:
    log = EventLog()
    text = AnswerText()
    log.emit(1, UserEvent("q"))  # 1
    for word in ["a ", "b "]:  # 2, 3
        log.emit_text(1, text, word)
    log.emit(1, ToolEvent("list_tables", "{}"))  # 4
    for word in ["c ", "d ", "e"]:  # 5, 6, 7
        log.emit_text(1, text, word)
    for seq in range(8):
        seen = log.since(seq)
        deltas = "".join(item.event.delta for item in seen if isinstance(item.event, PartialEvent))
        expected = {0: "a b c d e", 1: "a b c d e", 2: "b c d e", 3: "c d e", 4: "c d e", 5: "d e"}
        assert deltas == expected.get(seq, "e" if seq == 6 else ""), seq
        assert all(item.seq > seq for item in seen)
        for item in seen:  # a partial is numbered as its last token and carries the text so far
            if isinstance(item.event, PartialEvent):
                assert item.event.text == "a b c d e"[: len(item.event.text)]
    assert [item.seq for item in log.since(2)] == [3, 4, 7]


def test_a_streaming_answer_makes_no_objects_for_the_garbage_collector_to_walk() -> None:
    log = EventLog()
    text = AnswerText()
    words = [f"token{i % 97} " for i in range(20_000)]
    gc.collect()
    before = len(gc.get_objects())
    for word in words:
        log.emit_text(1, text, word)
    assert len(gc.get_objects()) - before < 50  # not one (or two) per token, as a log of tuples made
    assert str(text) == "".join(words) and log.since(0)[0].event.delta == "".join(words)
