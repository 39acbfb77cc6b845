"""The offline model reads questions, calls the catalog tools as an LLM would, and answers from results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from pydantic_ai import Agent, models
from pydantic_ai.messages import (
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import ModelRequestParameters
from pydantic_ai.models.function import FunctionModel
from pydantic_ai.run import AgentRunResultEvent

from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog.sample import sample_catalog
from mcop_kernel.offline.answers import list_answer
from mcop_kernel.offline.graph_answers import relationship_sentence
from mcop_kernel.offline.intents import Context, Intent, parse_question
from mcop_kernel.offline_model import MODEL_NAME, chunk_text, offline_model

models.ALLOW_MODEL_REQUESTS = False

PO, SUPPLIER, INVOICE = "fact_bs_purchase_order", "dimv_bs_supplier", "fact_bs_invoice"


# -- Streaming granularity ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Here are the available tables:\n\n1. fact_bs_purchase_order (FACT)\n", "  two  spaces ", "", "x"],
)
def test_chunks_are_words_that_join_back_exactly(text: str) -> None:
    chunks = chunk_text(text)
    assert "".join(chunks) == text
    assert all(len(chunk.split()) <= 1 for chunk in chunks)


def test_the_design_documents_first_chunk_is_a_single_word() -> None:
    assert chunk_text("Here are the available tables:")[:3] == ["Here", " are", " the"]


# -- Reading questions -----------------------------------------------------------------------------

SUPPLIER_CONTEXT = Context(table=SUPPLIER, kind="describe")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Show me all tables", Intent("list")),
        ("list fact tables", Intent("list", table_type="FACT")),
        ("Which dimension tables are there?", Intent("list", table_type="DIMENSION")),
        ("tables in the Procurement domain", Intent("list", domain="Procurement")),
        ("Describe fact_bs_purchase_order", Intent("describe", tables=(PO,))),
        ("What columns does the supplier table have?", Intent("describe", tables=("supplier",))),
        ("tell me about invoices", Intent("describe", tables=("invoices",))),
        ("describe invoices and suppliers", Intent("describe", tables=("invoices", "suppliers"))),
        ("search for vendor", Intent("search", phrase="vendor")),
        ("find columns about currency", Intent("search", phrase="currency", scope="column")),
        ("Where is net order value?", Intent("search", phrase="net order value")),
        (
            "Show relationships between fact_bs_purchase_order and suppliers",
            Intent("relationships", tables=(PO, "suppliers")),
        ),
        (
            "How is the purchase order table related to suppliers?",
            Intent("relationships", tables=("purchase order", "suppliers")),
        ),
        ("show the ER diagram for invoices", Intent("relationships", tables=("invoices",))),
        ("How do I join invoices to suppliers?", Intent("join", tables=("invoices", "suppliers"))),
        (
            "join path between fact_bs_invoice and dimv_bs_supplier",
            Intent("join", tables=(INVOICE, SUPPLIER)),
        ),
        (
            "Where does fact_bs_purchase_order come from?",
            Intent("lineage", tables=(PO,), direction="upstream"),
        ),
        ("lineage of fact_bs_purchase_order", Intent("lineage", tables=(PO,))),
        ("What is downstream of EKKO?", Intent("lineage", tables=("EKKO",), direction="downstream")),
        ("Who owns the supplier table?", Intent("owner", tables=("supplier",))),
        ("who is the steward of invoices", Intent("owner", tables=("invoices",))),
        ("What does Net Order Value mean?", Intent("term", phrase="Net Order Value")),
        ("define incoterms", Intent("term", phrase="incoterms")),
        ("what is a goods receipt", Intent("term", phrase="goods receipt")),
        ("What does the term 'lead time' mean?", Intent("term", phrase="lead time")),
        ("help", Intent("help")),
        ("Hello!", Intent("help", greeting="Hello!")),
        ("tell me a joke", Intent("help", phrase="joke")),
    ],
)
def test_questions_are_read_as_the_intent_a_steward_means(question: str, expected: Intent) -> None:
    assert parse_question(question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what are its columns?", Intent("describe", tables=(SUPPLIER,))),
        ("Who owns it?", Intent("owner", tables=(SUPPLIER,))),
        ("show its lineage", Intent("lineage", tables=(SUPPLIER,))),
        ("and its relationships?", Intent("relationships", tables=(SUPPLIER,))),
        ("who is the steward of this table", Intent("owner", tables=(SUPPLIER,))),
        ("how do I join it to invoices", Intent("join", tables=(SUPPLIER, "invoices"))),
        ("what about invoices?", Intent("describe", tables=("invoices",))),
    ],
)
def test_follow_ups_mean_the_table_just_discussed(question: str, expected: Intent) -> None:
    assert parse_question(question, SUPPLIER_CONTEXT) == expected


def test_a_follow_up_with_nothing_to_refer_to_asks_which_table() -> None:
    assert parse_question("Who owns it?") == Intent("clarify", asked="owner")


def test_show_more_continues_the_last_listing() -> None:
    context = Context(kind="list", next_offset=50, table_type="FACT")
    assert parse_question("show more tables", context) == Intent("list", table_type="FACT", offset=50)


# -- Planning from hand-made tool results ----------------------------------------------------------


MODEL = offline_model()
Outcome = Literal["success", "failed", "denied", "interrupted", "retried"]


@dataclass
class Transcript:
    """A conversation written by hand: the model's responses are planned, the tool results supplied."""

    messages: list[ModelMessage] = field(default_factory=list)

    async def ask(self, question: str) -> ModelResponse:
        self.messages.append(ModelRequest(parts=[UserPromptPart(question)]))
        return await self._respond()

    async def tools_return(self, *contents: Any, outcome: Outcome = "success") -> ModelResponse:
        last = self.messages[-1]
        assert isinstance(last, ModelResponse)
        calls = [p for p in last.parts if isinstance(p, ToolCallPart)]
        assert len(calls) == len(contents)
        returns = [
            ToolReturnPart(c.tool_name, content, tool_call_id=c.tool_call_id, outcome=outcome)
            for c, content in zip(calls, contents, strict=True)
        ]
        self.messages.append(ModelRequest(parts=list(returns)))
        return await self._respond()

    async def _respond(self) -> ModelResponse:
        response = await MODEL.request(self.messages, None, ModelRequestParameters())
        self.messages.append(response)
        return response


def text_of(response: ModelResponse) -> str:
    return "".join(p.content for p in response.parts if isinstance(p, TextPart))


def call_ids(messages: list[ModelMessage]) -> list[str]:
    parts = [p for m in messages if isinstance(m, ModelResponse) for p in m.parts]
    return [p.tool_call_id for p in parts if isinstance(p, ToolCallPart)]


def calls_of(response: ModelResponse) -> list[tuple[str, dict[str, Any]]]:
    return [(p.tool_name, p.args_as_dict()) for p in response.parts if isinstance(p, ToolCallPart)]


REL = {
    "id": "r1",
    "from_table": PO,
    "from_columns": ["supplier_key"],
    "to_table": SUPPLIER,
    "to_columns": ["supplier_key"],
    "cardinality": "many-to-one",
    "label": "supplier_key",
}
HOOD = {"table": PO, "depth": 1, "tables": [{"name": PO, "type": "FACT"}], "relationships": [REL]}
DRAWN = {"diagram": "erDiagram", "tables": [PO, SUPPLIER], "relationships": 1, "omitted": []}


async def test_relationships_say_let_me_check_then_look_up_then_draw_then_answer() -> None:
    t = Transcript()
    first = await t.ask("Show relationships between fact_bs_purchase_order and suppliers")
    assert text_of(first) == "Let me look up how fact_bs_purchase_order and suppliers are related."
    assert calls_of(first) == [("find_relationships", {"table": PO})]
    second = await t.tools_return(HOOD)
    assert calls_of(second) == [("show_er_diagram", {"tables": [PO, "suppliers"]})]
    final = await t.tools_return(DRAWN)
    assert calls_of(final) == []
    answer = text_of(final)
    assert f"`{PO}` and `{SUPPLIER}` are directly related" in answer
    assert f"Each `{PO}` row references one `{SUPPLIER}` row via `supplier_key`." in answer
    assert "attached an ER diagram" in answer


async def test_tool_call_ids_count_on_through_the_conversation() -> None:
    t = Transcript()
    await t.ask("Show relationships of fact_bs_purchase_order")
    await t.tools_return(HOOD)
    assert call_ids(t.messages) == ["mcop_call_1", "mcop_call_2"]


async def test_a_name_the_catalog_does_not_know_is_relayed_with_its_suggestions() -> None:
    t = Transcript()
    await t.ask("who owns the suplier table")
    error = {
        "error": "No table named 'suplier'. Did you mean: dimv_bs_supplier?",
        "query": "suplier",
        "suggestions": [SUPPLIER],
    }
    answer = text_of(await t.tools_return(error))
    assert "Did you mean: dimv_bs_supplier?" in answer
    assert "“Who owns dimv_bs_supplier?”" in answer


async def test_an_unknown_glossary_term_falls_back_to_a_search() -> None:
    t = Transcript()
    assert calls_of(await t.ask("define spend cube")) == [("lookup_term", {"term": "spend cube"})]
    missing = {"error": "No glossary term named 'spend cube'.", "query": "spend cube", "suggestions": []}
    assert calls_of(await t.tools_return(missing)) == [("search_catalog", {"query": "spend cube"})]
    hits = {
        "query": "spend cube",
        "hits": [{"kind": "table", "name": "fact_bs_supplier_spend_monthly", "score": 1}],
    }
    answer = text_of(await t.tools_return(hits))
    assert "No glossary term named 'spend cube'." in answer
    assert "`fact_bs_supplier_spend_monthly`" in answer


async def test_a_rejected_tool_call_ends_in_an_apology_not_a_loop() -> None:
    t = Transcript()
    await t.ask("Describe fact_bs_purchase_order")
    final = await t.tools_return([{"type": "missing", "loc": ["table"]}], outcome="retried")
    assert calls_of(final) == []
    assert "Sorry" in text_of(final)


def test_a_truncated_listing_says_how_to_see_the_rest() -> None:
    items = [
        {"name": PO, "type": "FACT", "description": "Purchase orders."},
        {"name": SUPPLIER, "type": "DIMENSION"},
    ]
    text = list_answer(Intent("list"), {"items": items, "total": 71, "offset": 0, "limit": 2})
    assert text.startswith(
        "Here are the available tables:\n\n1. fact_bs_purchase_order (FACT) — Purchase orders."
    )
    assert "2. dimv_bs_supplier (DIMENSION)" in text
    assert "Showing 1–2 of 71 tables" in text


def test_one_to_one_and_renamed_columns_read_naturally() -> None:
    rel = REL | {"cardinality": "one-to-one", "from_columns": ["vendor_key"], "label": ""}
    assert relationship_sentence(rel) == (
        f"Each `{PO}` row matches exactly one `{SUPPLIER}` row via `vendor_key` → `{SUPPLIER}.supplier_key`."
    )


# -- Through the agent, against the bundled sample catalog -----------------------------------------


@dataclass
class Answer:
    text: str
    calls: list[tuple[str, dict[str, Any]]]
    call_ids: list[str]
    order: list[str]
    deltas: list[str]
    deps: ExplorerDeps
    messages: list[ModelMessage]

    @property
    def tools(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture(scope="module")
def agent() -> Agent[ExplorerDeps, str]:
    return build_agent()


async def ask(
    agent: Agent[ExplorerDeps, str], question: str, history: list[ModelMessage] | None = None
) -> Answer:
    deps = ExplorerDeps(catalog=sample_catalog())
    answer = Answer("", [], [], [], [], deps, [])
    async with agent.run_stream_events(question, deps=deps, message_history=history) as events:
        async for event in events:
            delta = ""
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                delta = event.part.content
            elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                delta = event.delta.content_delta
            elif isinstance(event, FunctionToolCallEvent):
                answer.calls.append((event.part.tool_name, event.part.args_as_dict()))
                answer.call_ids.append(event.part.tool_call_id)
                answer.order.append("tool_call")
            elif isinstance(event, FunctionToolResultEvent):
                answer.order.append("tool_result")
            elif isinstance(event, AgentRunResultEvent):
                answer.text = event.result.output
                answer.messages = event.result.all_messages()
            if delta:
                answer.deltas.append(delta)
                if not answer.order or answer.order[-1] != "text":
                    answer.order.append("text")
    return answer


async def test_the_agent_uses_the_offline_model_by_default(agent: Agent[ExplorerDeps, str]) -> None:
    assert isinstance(agent.model, FunctionModel) and agent.model.model_name == MODEL_NAME


async def test_show_me_all_tables_lists_them_as_the_design_shows(agent: Agent[ExplorerDeps, str]) -> None:
    answer = await ask(agent, "Show me all tables")
    assert answer.tools == ["list_tables"]
    assert answer.text.startswith("Here are the available tables:\n\n1. ")
    assert "fact_bs_purchase_order (FACT)" in answer.text
    assert "dimv_bs_supplier (DIMENSION)" in answer.text
    assert "of 71 tables" in answer.text
    assert len(answer.deltas) > 100, "the answer streams about a word at a time"


@pytest.mark.parametrize(
    ("question", "tools", "expected"),
    [
        ("list fact tables", ["list_tables"], ["Here are the FACT tables:", "fact_bs_purchase_order (FACT)"]),
        ("Which dimension tables are there?", ["list_tables"], ["dimv_bs_supplier (DIMENSION)"]),
        (
            "tables in the Procurement domain",
            ["list_tables"],
            ["in the Procurement domain", "fact_bs_invoice (FACT)"],
        ),
        (
            "Describe fact_bs_purchase_order",
            ["describe_table"],
            ["| `supplier_key` | integer | FK → dimv_bs_supplier"],
        ),
        (
            "What columns does the supplier table have?",
            ["describe_table"],
            ["**`dimv_bs_supplier`**", "| Column |"],
        ),
        ("tell me about invoices", ["describe_table"], ["**`fact_bs_invoice`**", "- Owner: "]),
        ("search for vendor", ["search_catalog"], ["for “vendor”", "`dimv_bs_supplier`"]),
        ("find columns about currency", ["search_catalog"], ["1. `dimv_bs_currency.currency_code`"]),
        ("where is net order value", ["search_catalog"], ["`fact_bs_purchase_order.net_order_value`"]),
        ("How do I join invoices to suppliers?", ["find_join_path"], ["```sql", "JOIN dimv_bs_supplier"]),
        ("Where does fact_bs_purchase_order come from?", ["trace_lineage"], ["is fed by", "`EKKO` (SOURCE)"]),
        (
            "What is downstream of EKKO?",
            ["trace_lineage"],
            ["`EKKO` feeds", "`fact_bs_purchase_order` (FACT)"],
        ),
        ("Who owns the supplier table?", ["get_owner"], ["`dimv_bs_supplier` is owned by **"]),
        ("who is the steward of invoices", ["get_owner"], ["`fact_bs_invoice` is owned by", "steward"]),
        ("What does Net Order Value mean?", ["lookup_term"], ["**Net Order Value**:", "Synonyms:"]),
        ("define incoterms", ["lookup_term"], ["**Incoterms**:"]),
        ("what is a goods receipt", ["lookup_term"], ["**Goods Receipt**:"]),
        ("what is a flux capacitor", ["lookup_term", "search_catalog"], ["searched the whole catalog"]),
        ("help", [], ["“Show me all tables”", "rule-based"]),
        ("Hello!", [], ["Hello!"]),
    ],
)
async def test_every_intent_calls_the_right_tools_and_answers_from_them(
    agent: Agent[ExplorerDeps, str], question: str, tools: list[str], expected: list[str]
) -> None:
    answer = await ask(agent, question)
    assert answer.tools == tools
    for fragment in expected:
        assert fragment in answer.text


async def test_relationships_stream_a_lead_in_then_tools_then_the_answer_with_an_er_diagram(
    agent: Agent[ExplorerDeps, str],
) -> None:
    answer = await ask(agent, "Show relationships between fact_bs_purchase_order and suppliers")
    assert answer.calls == [
        ("find_relationships", {"table": PO}),
        ("show_er_diagram", {"tables": [PO, "suppliers"]}),
    ]
    assert answer.order == ["text", "tool_call", "tool_result", "tool_call", "tool_result", "text"]
    assert answer.deltas[0] == "Let"
    assert f"`{PO}` and `{SUPPLIER}` are directly related" in answer.text
    assert "attached an ER diagram" in answer.text
    diagram = answer.deps.diagram
    assert diagram is not None and diagram.source.startswith("erDiagram")
    assert PO in diagram.source and SUPPLIER in diagram.source


async def test_lineage_draws_a_flowchart(agent: Agent[ExplorerDeps, str]) -> None:
    answer = await ask(agent, "lineage of fact_bs_purchase_order")
    assert answer.deps.diagram is not None and answer.deps.diagram.kind == "lineage"
    assert "**Upstream:**" in answer.text and "**Downstream:**" in answer.text


async def test_follow_ups_use_the_previous_runs_history(agent: Agent[ExplorerDeps, str]) -> None:
    first = await ask(agent, "Describe the supplier table")
    owner = await ask(agent, "Who owns it?", first.messages)
    assert owner.calls == [("get_owner", {"table": SUPPLIER})]
    lineage = await ask(agent, "show its lineage", owner.messages)
    assert lineage.calls == [("trace_lineage", {"table": SUPPLIER, "direction": "both"})]
    rels = await ask(agent, "and its relationships?", lineage.messages)
    assert rels.tools == ["find_relationships", "show_er_diagram"]
    assert rels.calls[0] == ("find_relationships", {"table": SUPPLIER})
    columns = await ask(agent, "what are its columns?", rels.messages)
    assert columns.calls == [("describe_table", {"table": SUPPLIER})]
    assert call_ids(columns.messages) == [f"mcop_call_{n}" for n in range(1, 7)], "ids count on"


async def test_follow_ups_survive_a_history_saved_as_json(agent: Agent[ExplorerDeps, str]) -> None:
    first = await ask(agent, "tell me about invoices")
    restored = ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(first.messages))
    owner = await ask(agent, "who owns it?", restored)
    assert owner.calls == [("get_owner", {"table": INVOICE})]


async def test_show_more_tables_pages_on(agent: Agent[ExplorerDeps, str]) -> None:
    first = await ask(agent, "Show me all tables")
    more = await ask(agent, "show more tables", first.messages)
    assert more.calls == [("list_tables", {"offset": 50})]
    assert "51. " in more.text and "That is the last page: 71 tables in all." in more.text


async def test_the_same_question_gets_the_same_answer(agent: Agent[ExplorerDeps, str]) -> None:
    question = "Show relationships between fact_bs_purchase_order and suppliers"
    one, two = await ask(agent, question), await ask(agent, question)
    assert one.deltas == two.deltas
    assert one.calls == two.calls and one.call_ids == two.call_ids == ["mcop_call_1", "mcop_call_2"]
    assert one.deps.diagram == two.deps.diagram


async def test_an_unknown_table_gets_did_you_mean(agent: Agent[ExplorerDeps, str]) -> None:
    answer = await ask(agent, "Describe fact_bs_purchase_ordr")
    assert "Did you mean: fact_bs_purchase_order" in answer.text
    assert "“Describe fact_bs_purchase_order”" in answer.text


async def test_the_non_streaming_path_gives_the_same_answer(agent: Agent[ExplorerDeps, str]) -> None:
    question = "How do I join invoices to suppliers?"
    streamed = await ask(agent, question)
    result = await agent.run(question, deps=ExplorerDeps(catalog=sample_catalog()))
    lead_in = "Let me find a join path from invoices to suppliers."
    assert streamed.text == result.output
    assert "".join(streamed.deltas) == lead_in + result.output


async def test_a_typing_delay_paces_the_stream() -> None:
    agent = build_agent(offline_model(typing_delay=0.001))
    answer = await ask(agent, "help")
    assert answer.tools == [] and answer.text.startswith("I'm the offline MCOP Explorer model")
