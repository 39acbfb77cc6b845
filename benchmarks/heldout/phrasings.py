"""The held-out questions' wordings: how stewards ask, per intent, with a placeholder for the subject."""

from __future__ import annotations

COUNT_TABLES = ["how many tables we got in here?", "total number of tables pls", "what's the table count?"]
COUNT_COLUMNS = ["how wide is {t} - how many columns?", "{t}: column count?", "number of fields on {t}?"]
DESCRIBE = [
    "what's the deal with {t}?",
    "anything I should know about {t}",
    "walk me through {t}",
    "so what is {t} exactly",
    "break down {t} for me",
]
KEYS = [
    "give me the key columns of {t}",
    "what's {t} keyed on?",
    "what uniquely identifies a row in {t}?",
    "pk for {t}?",
]
REFS_IN = [
    "what hangs off {t}?",
    "which tables point at {t}?",
    "who has a foreign key into {t}?",
    "what would reference {t}",
]
REFS_OUT = [
    "what does {t} point at?",
    "{t} links out to which tables?",
    "what are the parents (fks) of {t}?",
    "which tables does {t} depend on",
]
JOIN = [
    "what connects {a} and {b}?",
    "how would I get from {a} to {b}?",
    "join path {a} -> {b}?",
    "is there a way to link {a} with {b}",
]
KIND_WORDS = {
    "email": ["which fields look like emails?", "where do we keep email addresses?"],
    "phone": ["which fields look like phone numbers?", "do we store phone numbers anywhere?"],
}
MONEY = ["which fields look like money?", "where are the monetary amounts?"]
DATES = ["which tables carry dates?", "what fields look like dates or timestamps?"]
NAMED = ["is there a {w} column anywhere?", "which tables have a field called {w}", "where does {w} show up?"]
SEARCH = ["anything about {w}?", "where do we keep {w} stuff?", "what tables deal with {w}"]
DEBT = [
    "tables nobody uses?",
    "which tables aren't connected to anything",
    "any tables with no foreign keys?",
]
SELF = ["anything that points at itself?", "which tables reference themselves", "any self-joins in here?"]
OPTIONAL = ["which references in {t} can be left empty?", "on {t}, which foreign keys are nullable?"]
ONE_TO_ONE = ["are there any one-to-one relationships?", "which tables are 1:1 with another?"]
AREA_LIST = ["what lives under {w}?", "show me the {w} area", "list what's in {w}"]
AREA_COUNT = ["how many tables does {w} have?", "size of the {w} area?"]
BIGGEST_AREA = ["what's the biggest area?", "which app has the most tables?"]
FOLLOW_UPS = [
    ("tell me about {t}", "and what points at it?", "in"),
    ("look at {t} please", "how many columns does that one have?", "columns"),
    ("what is {t}?", "what's its primary key?", "keys"),
]

# Only the sample catalog holds what these ask (people, lineage, glossary, status).
TALK_TO = ["who do I need to talk to about {t}?", "who's responsible for {t}", "whose is {t}?"]
OWNS = ["what does {p} look after?", "which tables belong to {p}", "show me everything {p} owns"]
STEWARDS = ["who stewards {t}?", "which data steward covers {t}"]
UPSTREAM = ["where does {t} get its data from?", "what feeds {t}?", "upstream of {t}?"]
IMPACT = ["if I change {t}, what breaks?", "what's downstream of {t}", "blast radius of touching {t}?"]
TERM = ["what do we mean by {w}?", "define {w} for me", "glossary entry for {w}?"]
GLOSSARY = ["list the business terms", "what's in our glossary?"]
CERTIFIED = ["which tables are certified?", "what's been signed off as certified?"]
CLASSIFIED = ["how sensitive is {t}?", "what's the classification on {t}"]
PII = ["which tables hold personal data (PII)?", "where is PII kept?"]
FRESH = ["when did {t} last load?", "how fresh is {t}?"]
LARGEST = ["what are the biggest tables?", "top tables by row count?"]
NO_OWNER = ["which tables have no owner?", "anything without an owner?"]
NO_DESC = ["which tables are missing a description?", "where's our documentation debt?"]
BIGGEST_DOMAIN = ["what's the biggest area?", "which domain has the most tables?"]
DOMAIN = ["what lives in {w}?", "how many tables are in {w}?"]
