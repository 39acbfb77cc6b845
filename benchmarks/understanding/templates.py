"""The wordings of the schema question families: (tone, template) pairs, placeholders in braces."""

from __future__ import annotations

Template = tuple[str, str]
"""(tone, text with {placeholders})."""

COUNT_TABLES: list[Template] = [
    ("terse", "how many tables?"),
    ("casual", "how many tables are there?"),
    ("filler", "quick question: how many tables does this catalog have?"),
    ("polite", "Could you tell me how many tables we have, please?"),
    ("typo", "how many tabels are in here"),
    ("casual", "what's the total number of tables?"),
    ("terse", "number of tables in the database?"),
    ("polite", "count the tables for me, would you?"),
]
COUNT_COLUMNS: list[Template] = [
    ("casual", "how many columns does {t} have?"),
    ("terse", "{t} column count"),
    ("filler", "just wondering, how many columns are in the {t} table?"),
    ("terse", "number of columns in {t}"),
    ("casual", "{t}: how many fields?"),
    ("filler", "roughly how wide is {t}, in columns?"),
]
DESCRIBE: list[Template] = [
    ("casual", "tell me about {t}"),
    ("filler", "explain the {t} table"),
    ("terse", "describe {t}"),
    ("polite", "could you please describe {t} for me?"),
    ("casual", "what's in {t}?"),
    ("casual", "what columns does {t} have?"),
    ("casual", "give me an overview of {t}"),
    ("terse", "{t}?"),
    ("filler", "I need the details on {t}, structure and all"),
    ("casual", "show me {t}'s structure"),
]
COLUMNS_LIKE: list[Template] = [
    ("casual", "is there a column for {w} anywhere?"),
    ("terse", "columns like {w}"),
    ("casual", "which tables have a {w} column?"),
    ("filler", "I'm looking for {w}, which columns hold it?"),
    ("polite", "Can you find the columns about {w}, please?"),
    ("casual", "where do we keep {w} values?"),
    ("casual", "any {w} fields?"),
    ("casual", "which columns mention {w}?"),
    ("filler", "do we track {w} somewhere, in any column?"),
]
PRIMARY_KEY: list[Template] = [
    ("casual", "what's the primary key of {t}?"),
    ("terse", "{t} pk"),
    ("filler", "so, which column identifies a row in {t}?"),
    ("polite", "what is the primary key of the {t} table, please?"),
    ("casual", "how is {t} keyed?"),
    ("casual", "what uniquely identifies a {t} row?"),
    ("terse", "key columns of {t}"),
    ("casual", "what's {t}'s primary key?"),
]
REFERENCED_BY: list[Template] = [
    ("casual", "which tables reference {t}?"),
    ("casual", "what points to {t}?"),
    ("terse", "references to {t}"),
    ("filler", "I need to know what depends on {t} by foreign key"),
    ("polite", "Could you list the tables that have a foreign key to {t}?"),
    ("casual", "what depends on {t}?"),
    ("casual", "which tables link to {t}?"),
    ("terse", "incoming foreign keys of {t}"),
]
POINTS_TO: list[Template] = [
    ("casual", "what does {t} point to?"),
    ("terse", "{t} foreign keys"),
    ("casual", "which tables does {t} reference?"),
    ("filler", "so what is {t} linked to, foreign-key wise?"),
    ("casual", "what tables does {t} depend on?"),
    ("terse", "outgoing foreign keys of {t}"),
    ("casual", "{t} links to which tables?"),
]
JOIN: list[Template] = [
    ("casual", "how do I join {a} and {b}?"),
    ("terse", "join path {a} to {b}"),
    ("casual", "how are {a} and {b} related?"),
    ("filler", "quick one: what's the path from {a} to {b}?"),
    ("polite", "Could you show me how to get from {a} to {b}, please?"),
    ("terse", "connect {a} with {b}"),
    ("casual", "what's the join between {a} and {b}?"),
    ("polite", "could you write the SQL to join {a} with {b}?"),
]
NO_FK: list[Template] = [
    ("casual", "which tables have no foreign keys?"),
    ("terse", "tables without foreign keys"),
    ("filler", "I'm cleaning up, so list the tables with no foreign keys"),
    ("casual", "any tables with no FKs?"),
    ("typo", "which tables have no foriegn keys"),
    ("casual", "which tables are not linked to anything by foreign keys?"),
    ("terse", "tables lacking foreign keys"),
    ("casual", "show tables that have zero foreign keys"),
]
SELF_REF: list[Template] = [
    ("casual", "which tables reference themselves?"),
    ("terse", "self-referencing tables"),
    ("filler", "are there any tables that point back to themselves?"),
    ("casual", "any recursive relationships?"),
    ("casual", "which tables have a foreign key to themselves?"),
]
OPTIONAL: list[Template] = [
    ("casual", "which foreign keys are optional?"),
    ("terse", "nullable foreign keys"),
    ("filler", "I'd like to see the references that may be null"),
    ("polite", "Could you list the optional relationships, please?"),
    ("casual", "which references can be empty?"),
    ("terse", "FKs that allow nulls"),
]
ONE_TO_ONE: list[Template] = [
    ("casual", "which relationships are one-to-one?"),
    ("terse", "one-to-one relationships"),
    ("filler", "are there any one to one links in here?"),
    ("terse", "1:1 relationships?"),
    ("casual", "which tables have a one-to-one link?"),
]
AREA: list[Template] = [
    ("casual", "what tables are in the {a} app?"),
    ("casual", "show me everything in {a}"),
    ("filler", "quick question, which tables belong to {a}?"),
    ("polite", "Could you list the tables of the {a} area, please?"),
    ("casual", "how many tables does {a} have?"),
    ("terse", "list the {a} tables"),
    ("casual", "what's in the {a} module?"),
    ("casual", "tables starting with {a}"),
]
SEARCH: list[Template] = [
    ("casual", "what tables do we have about {ws}?"),
    ("casual", "anything about {w}?"),
    ("filler", "I'm new here, where would I find {w} data?"),
    ("polite", "Could you search the catalog for {ws}, please?"),
    ("casual", "find tables about {tw}"),
    ("casual", "do we have anything on {ws}?"),
    ("terse", "search {w}"),
    ("filler", "looking for {w} stuff, what is there?"),
]

FUNCTION_WORDS = frozenset(
    {
        "from",
        "with",
        "into",
        "over",
        "under",
        "than",
        "that",
        "this",
        "when",
        "where",
        "what",
        "have",
        "been",
        "each",
        "other",
        "only",
        "about",
    }
)
"""Words a column name may hold that a steward would never ask about on their own."""
AMBIGUOUS: list[Template] = [
    ("casual", "tell me about {t}"),
    ("terse", "describe {t}"),
    ("casual", "what columns does the {t} table have?"),
    ("filler", "so I keep hearing about {t}, what is it?"),
]
