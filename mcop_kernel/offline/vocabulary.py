"""The words and patterns the offline model reads questions with: edit here to teach it new phrasings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..catalog.models import TableType

if TYPE_CHECKING:
    from .intents import IntentKind, SearchScope


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Filler words: what is left of a question without them names its tables, search query or term.
COMMON = _words("""
    a an the me us my our your please kindly can could would will shall should may might you i we
    do does did done don't dont is are was were be been being am what which who whom whose how where
    when why there here show list give tell display draw see view open get fetch need want like know
    let about of for in on at by with from into onto between and or vs versus to as than via have has
    having had any some all every each also just again now then so too only hi hello hey thanks thank
    thx cheers help ok okay yes sure well same catalog mcop explorer more other another one ones it
    its itself this that these those them they their up down out over go goes going went come comes
    coming came make made use used uses using available exist exists much many number count plus
""")
# ...and, when looking for table names, the words that say what is asked about a table.
TABLE_WORDS = _words("""
    table tables column columns field fields attribute attributes describe description descriptions
    detail details info information overview summary summarize summarise schema structure look looks
    looking relationship relationships related relate relates relation relations er erd diagram
    diagrams entity entities model foreign primary key keys reference references referenced referencing
    link links linked connect connected connects connection connections neighbour neighbours neighbor
    neighbors neighbourhood join joins joined joining path paths route sql query queries combine
    lineage upstream downstream flow flows flowchart feed feeds fed source sources origin origins
    provenance impact impacted depend depends dependency dependencies dependent dependents consumer
    consumers consumed loaded derived analysis owner owners own owns owned ownership steward stewards
    stewardship responsible accountable maintains maintain manages manage contact mean means meaning
    define defines defined definition definitions glossary term search searching find finding lookup
    locate data row rows record records dataset datasets
""")
# ...and, when looking for a search query or term, the words that ask for one.
PHRASE_WORDS = _words("""
    search searching find finding look looking lookup locate mean means meaning define defines defined
    definition definitions glossary term column columns field fields table tables named called
    mentioning mention mentions containing contain contains anything something word words holds hold
    holding stores store stored keeps keep kept
""")
TYPE_WORDS: dict[str, TableType] = {
    **dict.fromkeys(("fact", "facts"), "FACT"),
    **dict.fromkeys(("dimension", "dimensions", "dim", "dims"), "DIMENSION"),
    **dict.fromkeys(("staging", "stage", "stg"), "STAGING"),
    **dict.fromkeys(("source", "sources", "src", "raw"), "SOURCE"),
    **dict.fromkeys(("view", "views"), "VIEW"),
}
LIST_WORDS = _words("domain domains area subject mart marts")
TABLE_FILLERS = COMMON | TABLE_WORDS
LIST_FILLERS = TABLE_FILLERS | LIST_WORDS | frozenset(TYPE_WORDS)
PHRASE_FILLERS = COMMON | PHRASE_WORDS
# Words that stand for the table just discussed, and words that join names into one list.
PRONOUNS = _words("it its itself them they their")
DEMONSTRATIVES = _words("this that same")
GROUPING = _words("and & , the a an also plus")


def _any(alternatives: str) -> re.Pattern[str]:
    """A pattern matching any of the `|`-separated alternatives as whole words."""
    return re.compile(r"\b(?:" + alternatives + r")\b")


# The first kind whose pattern matches the lower-cased question wins: keep the specific ones first.
KINDS: tuple[tuple[IntentKind, re.Pattern[str]], ...] = (
    ("join", _any(r"join(?:s|ed|ing)?|sql|how (?:do|can|would|should) (?:i|we|you) (?:combine|link)")),
    (
        "lineage",
        _any(
            r"lineage|upstream|downstream|com(?:e|es|ing) from|came from|fed (?:by|from)|feeds?|flowchart"
            r"|provenance|origins?|loaded from|derived from|data flows?|flows? (?:in)?to|impact(?:ed|s)?"
            r"|where does .+ go|sources? of|used by|consumers? of|depend(?:s|encies)? on"
        ),
    ),
    (
        "relationships",
        _any(
            r"relat(?:ed|es|e|ion|ions|ionship|ionships)|er|erd|diagram|entity[- ]relationship"
            r"|foreign[- ]keys?|connect(?:ed|s|ions?)?|link(?:ed|s)?|referenc(?:e|es|ed|ing)"
            r"|neighbou?r(?:s|hood)?"
        ),
    ),
    (
        "owner",
        _any(
            r"own(?:s|ed|er|ers|ership)?|stewards?(?:hip)?|responsible|accountable"
            r"|who (?:maintains|manages|looks after|is in charge)|contact (?:person )?(?:for|about)"
            r"|who (?:do|should|can) (?:i|we) (?:contact|ask)"
        ),
    ),
    ("term", _any(r"mean(?:s|ing)?|defin(?:e|es|ed|ition|itions)|glossary|the term|term for")),
    (
        "search",
        _any(
            r"search|find|look(?:ing)? for|look up|locate|where (?:is|are|can i find|do i find|would i find)"
            r"|(?:columns?|fields?|tables?) (?:about|mentioning|containing|named|called|like|with|having)"
            r"|mention(?:s|ing)?|anything (?:about|on)"
            r"|which tables? (?:have|has|contains?|holds?|stores?|keeps?)"
            r"|is there (?:a|an|any) (?:column|field|table)"
        ),
    ),
    (
        "describe",
        _any(
            r"describe|description|columns?|fields?|attributes?|schema|structure|tell me (?:more )?about"
            r"|details?|overview|summar(?:y|ize|ise)|what(?:'s| is) in(?! the catalog)|look like"
            r"|info(?:rmation)? (?:on|about)|keys?"
        ),
    ),
    ("list", _any(r"tables|list|what(?:'s| is) in the catalog|datasets|what do (?:we|you) have")),
)
UPSTREAM = _any(
    r"upstream|com(?:e|es|ing) from|came from|fed (?:by|from)|what feeds|sources? of|origins?|provenance"
    r"|loaded from|derived from"
)
DOWNSTREAM = _any(
    r"downstream|go(?:es)? to|flows? (?:in)?to|does \S+ feed|feeds into|used by|consumers? of|impact\w*"
    r"|depend\w*|where does .+ go"
)
MORE = _any("more|next|rest|continue")
FOLLOW_UP = re.compile(r"^(?:and|also|what about|how about|same for|ok(?:ay)?|now)\b")
WHAT_IS = re.compile(r"^(?:so |and |ok |okay )?(?:what|who)(?:'s| is| are| was)\b")
GREETING = re.compile(r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b")
THANKS = re.compile(r"^(?:thanks|thank you|thx|cheers)\b")
SCOPE: tuple[tuple[SearchScope, re.Pattern[str]], ...] = (
    ("column", _any(r"columns?|fields?|attributes?")),
    ("table", _any(r"tables?")),
)
