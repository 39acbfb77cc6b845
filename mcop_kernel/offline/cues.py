"""The cues of a question's grammar: patterns read from the question with its catalog names masked out
(a table named `reference` is no cue), each saying what kind of question it is."""

from __future__ import annotations

import re


def _any(alternatives: str) -> re.Pattern[str]:
    """A pattern matching any of the `|`-separated alternatives as whole words."""
    return re.compile(r"\b(?:" + alternatives + r")\b")


ASIDE = re.compile(r"\( (?:(?!x )[^()])*\)")
"""A parenthesis naming no table ("the parents (fks) of x"): an aside, left out when cues are read."""
OPENER = re.compile(
    r"^(?:(?:so|um+|uh+|erm|er|hm+|ok|okay|well|right|alright|anyway|oh|ah|quick question)\b[ ,:;.!-]*)+"
)
"""Words a spoken question opens with ("so um, what have we got for X?"): read past, never a cue."""
THEN_LIST = _any(r"list|show|name them|which are they|what are they")
GREETING = re.compile(r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b")
POLITE = re.compile(
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))\b[ !,.]*(?:there\b)?"
    r"|\b(?:thanks|thank you|thx|cheers|ta)(?: (?:a lot|so much|again))?[ !.]*$"
)
AREA_QUESTION = _any(
    r"apps?|areas?|modules?|prefix(?:es)?|belong\w*|part of|sections?|tables? (?:in|of|from|for|under)"
    r"|(?:list|show)(?: me)?(?: all)?(?: the)? \w+ tables|how many tables?|start(?:s|ing)? with"
    r"|beginning with|prefixed(?: with| by)?"
)
ABOUT_TABLES = _any(r"referenc\w*|join\w*|lineage|upstream|downstream|relat\w*|owns?|owner|impact|break\w*")
VALUES = _any(r"(?:keep|store|hold|put)\b.* values?|columns? like")
COLUMN_FIRST = _any(
    r"(?:which|what|any) (?:columns?|fields?) (?:mention|contain|named|called|like|with|about|for)\w*"
    r"|in any columns?"
)
NAME_SEARCH = _any(r"mention\w*|named|called|(?<!look )(?<!looks )like|contain\w*|in any columns?")
COLUMN_OF_TABLES = _any(
    r"(?:tables?|which|where) (?:\w+ ){0,3}(?:have|has|with|contains?|holds?) (?:a |an |any |the )?"
    r"(?:\w+ ){1,2}(?:columns?|fields?)"
)
THANKS = re.compile(r"^(?:thanks|thank you|thx|cheers)\b")
HELP = re.compile(r"^(?:help|\?|what can (?:you|i) (?:do|ask)|how does this work)\b")
MORE = _any("more|next|rest|continue|remaining")
FOLLOW_UP = re.compile(r"^(?:and|also|what about|how about|same for|now|then)\b")
COUNT = _any(
    r"how many|number of|count of|count the|count|total number|how big is the catalog|size of the catalog"
)
_WHOLE = r"(?:catalog|database|db|schema|warehouse|data ?base|place|system|repository|repo)"
SUMMARY = _any(
    r"what(?:'s| is) in (?:the|this|our|here)(?: " + _WHOLE + r")?(?: \w+)?$|overview|summar(?:y|ise|ize)"
    r"|what(?:'s| is) (?:the|this|our) " + _WHOLE + r" (?:about|for|made of)|big picture"
    r"|what(?:'s| is) (?:here|in here|in there)|what (?:do|does) (?:the|this|our) "
    + _WHOLE
    + r" (?:hold|contain|have)|tell me about (?:the|this|our) "
    + _WHOLE
)
"""Questions about the whole catalog: its counts and areas first (a table named in them is about it)."""
STORED = _any(
    r"(?:where|which|what|does|do|is|are|anything|anywhere|something|who)\b.*\b(?:keep|keeps|kept|store|stores"
    r"|stored|storing|hold|holds|held|track|tracks|tracked|record|records|recorded|save|saves|saved|capture"
    r"|captures|captured|persist|persists|persisted|carry|carries|carrying|contain|contains|containing)\b"
    r"|(?:kept|stored|held|tracked|recorded|saved|captured|persisted)\b.*\b(?:anywhere|somewhere|where)"
)
"""Where a kind of data lives: a question about columns ("where do we keep phone numbers?")."""
_AREA = r"(?:areas?|apps?|applications?|modules?|domains?|schemas|sections?|subject areas?|components?)"
AREAS_RANKED = _any(
    "|".join(
        (
            r"(?:biggest|largest|main|major|top|busiest) " + _AREA,
            _AREA + r" (?:are|is) (?:the )?(?:biggest|largest)",
            _AREA + r" (?:\w+ ){0,2}(?:the )?most tables",
            r"rank\w* (?:the )?" + _AREA,
            _AREA + r" (?:ranked )?by (?:size|table count|number of tables)",
        )
    )
)
"""The catalog's areas ranked by size ("which apps are the biggest?", "the module with the most tables")."""
WIDEST_ONLY = _any(r"widest|most columns|most fields|most attributes|how wide")
TABLES_ASKED = _any(r"tables?|which|what|list|show|any|datasets?")
KIND_ASKED = re.compile(
    r"^(?:which|what|any|list|show|find|give|where|are there|is there|do we|does)\b|\blook(?:s)? like\b"
    r"|\b(?:find|show|list|give me)\b"
)
EXPLICIT_DESCRIBE = re.compile(
    r"^(?:please )?(?:describe|explain|(?:show|give) me|tell me about|details (?:of|on|for)"
    r"|info (?:on|about))\b"
)
KIND_CUE = _any(r"looks? like|kinds? of|types? of|sorts? of")
"""Words that ask for a kind of value rather than a column name ("columns that look like dates")."""
WHERE = re.compile(r"^(?:so |and |ok )?where\b")
BOTH_ENDS = re.compile(r"\b(?:from|between|join|link|connect|relate)\b.+\b(?:to|and|with)\b")
"""A join question naming both of its ends ("from order lines to the customer")."""
ASKING = re.compile(r"^(?:where|which|what|who|does|do|is|are|any|find|show|search|look|have|has)\b")
WIDEST = _any(
    r"widest|most columns|most fields|most attributes"
    r"|columns? (?:does|do|has|have) the (?:biggest|largest|widest)"
    r"|(?:biggest|largest) table (?:have|has)|how wide"
)
CERTIFIED_LIST = _any(r"certified|certification|uncertified")
UNCERTIFIED = _any(r"not certified|uncertified|isn'?t certified|aren'?t certified|lack\w* certification")
GLOSSARY = _any(
    r"glossary|business terms|(?:list|all|show)(?: \w+)? terms|terms (?:do we have|are there|defined)"
)
PEOPLE = _any(
    r"people|persons|who are the (?:owners|stewards)|list (?:the |all )?(?:owners|stewards)"
    r"|all (?:owners|stewards)"
)
LACK = re.compile(
    r"\b(?:no|nobody|without|missing|lack\w*|not? (?:have|has)(?: an?| any)?|don'?t have(?: an?| any)?"
    r"|doesn'?t have(?: an?| any)?"
    r"|un(?:owned|documented|described|linked|referenced)|orphan\w*|never|empty|zero|not linked|isolated"
    r"|(?:don'?t|doesn'?t|do not|does not) (?:reference|point|link|refer|join)\w*"
    r"|not (?:referencing|pointing|linking|referring)|nothing|neither|stand(?:s|ing)? alone|standalone"
    r"|on (?:its|their) own)\b"
)
LACK_WHAT: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "foreign_keys",
        _any(
            r"foreign keys?|fks?|relationships?|references?|links?|linked|joins?|connections?|isolated"
            r"|orphan\w*|point\w*|incoming|outgoing|alone|standalone|on (?:its|their) own"
        ),
    ),
    ("primary_key", _any(r"primary keys?|pks?|keys?|identifiers?")),
    ("steward", _any(r"stewards?(?:ship)?")),
    ("owner", _any(r"owners?|owned|owns|ownership|unowned")),
    ("description", _any(r"descriptions?|described|documentation|documented|undocumented|comments?|docs?")),
    ("terms", _any(r"terms?|glossary")),
)
COVERAGE = _any(
    r"coverage|documentation debt|how (?:well )?documented|how complete|completeness|documented are"
)
REL_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "self-referencing",
        _any(
            r"self[- ]?referen\w*|(?:keys?|fks?|references?|links?) (?:to|at|on) (?:itself|themselves)"
            r"|point\w* (?:at|to) the same table|to the same table|to (?:itself|themselves)"
            r"|(?:its|their) own (?:kind|table|type|rows?)"
            r"|(?:refer|point|link|loop)\w*(?: back)?(?: to| at| on)? (?:itself|themselves)"
            r"|recursive"
            r"|hierarch\w*"
            r"|self[- ]joins?"
        ),
    ),
    ("one-to-one", _any(r"one[- ]to[- ]one|1 ?: ?1|1-1|1 to 1|one-one")),
    (
        "many-to-many",
        _any(r"many[- ]to[- ]many|m:n|n:m|junction|bridge tables?|link tables?|association tables?"),
    ),
    (
        "optional",
        _any(
            r"optional|nullable (?:foreign keys?|fks?|references?)|(?:may|can) be (?:null|empty|blank)"
            r"|(?:may|can) be missing|zero[- ]or[- ]one|allows? nulls?|nullable"
        ),
    ),
)
LARGEST = _any(
    r"largest|biggest|most rows|big tables|by (?:row count|rows|size|row counts|number of rows|volume)"
    r"|heaviest|largest tables|(?:top|first) (?:\d+ )?tables(?= by)|most data|most records"
    r"|row counts? (?:ranked|ranking)"
)
IMPACT = _any(
    r"break\w*|impact\w*|affect\w*|blast radius|if (?:i|we) (?:change|drop|alter|rename|remove"
    r"|modify|delete|deprecate)"
    r"|who (?:do|should|must) (?:i|we) (?:tell|notify|inform|warn)|before (?:changing|dropping"
    r"|altering|removing)|before (?:i|we) (?:change|drop|alter|rename|remove)"
)
COMPARE = _any(r"compare|comparison|differences?|differ|versus|vs|similar")
CLASSIFIED = _any(
    r"pii|personal(?: data| information)?|sensitive|confidential|classif\w*|gdpr|private|restricted|secret"
)
STATUS = _any(
    r"certif\w*|status|fresh\w*|refresh\w*|last (?:loaded|updated|load|refreshed)|up to date|stale|quality"
    r"|trust\w*|reliable|how many rows|row count|rows|approved|deprecated|when (?:was"
    r"|is) .* (?:loaded|updated)"
)
FRESHNESS = _any(
    r"fresh\w*|refresh\w*|last (?:loaded|updated|load|refreshed|run)|up to date|stale|how often|schedul\w*"
    r"|when (?:was|is|are|were|does|do|did|will) (?:\w+ ){1,6}(?:loaded|updated|refreshed|load|loads|update"
    r"|updates|refresh|refreshes|run|runs|built|rebuilt|populated)(?! (?:from|into|by|via|out of))"
    r"|(?:gets?|got|being) (?:loaded|refreshed|updated|populated|rebuilt)(?! (?:from|into|by|via|out of))"
    r"|load (?:time|schedule|frequency)"
)
"""When a table is loaded: its refresh schedule and last load, first."""
PERSON_ASSETS = _any(
    r"own|owns|owned|steward|stewards|responsible|look after|looks after|manage|manages|in charge"
)
OWNER = _any(
    r"own(?:s|ed|er|ers|ership)?|stewards?(?:hip)?|responsible|accountable|contact|maintain\w*"
    r"|manages?|in charge"
    r"|(?:who|whom) (?:do|should|can|could|would|must) (?:i|we) (?:\w+ )?(?:contact|ask|talk|speak|go|reach"
    r"|ping|bug|email|call|turn)|talk(?:ing)? to|speak(?:ing)? (?:to|with)|reach out|point of contact|go-to"
    r"|(?:who|whom) (?:is|'s|are) (?:behind|the (?:expert|contact|go-to))|who knows (?:about|most)"
)
_HANG = (
    r"hang\w* off|hook\w* (?:in)?to|plug\w* into|(?:is|are|get|gets) attached to|attach\w* to|sit\w* under"
    r"|sit\w* below|children of|child(?:ren)? tables? of|child(?:ren)? of|depend\w* on|relies on|rely on"
    r"|build\w* on|point(?:s|ing)? (?:to|at)|refers? to"
)
PARENTS = _any(
    r"parents? (?:tables? )?of|(?:its|their|the) parents?(?! of)"
    r"|(?:does|do) (?:it|x|this|that|they)(?: table| one)? (?:point|refer|link|reference|depend|hang)"
    r"|(?:its|their|the) (?:own )?(?:foreign keys?|fks?|outgoing)(?! (?:of|on|in|from|to|into|pointing))"
    r"|x(?: table)? (?:is )?an? (?:child|dependant|dependent) of"
    r"|(?:child|children) of what"
    r"|x(?: table)? (?:hangs?|depends?|points?|sits?|hooks?|rel(?:y|ies)|builds?|refers?)"
    r" (?:off|on|to|at|under|into|upon)"
)
_USES_IT = (
    r"(?:who|what|which|anything|anyone|tables?) (?:else )?(?:uses?|links? (?:to|with|into)|needs?|relies on"
    r"|calls?|refers? to|depends? on|points? (?:to|at)) (?:the )?x"
)
"""A table's users, asked with a verb: "what uses x?", "who links to x?" (incoming)."""
REFERENCED_BY = _any(
    _USES_IT + r"|(?:" + _HANG + r") (?:the )?x|children|child tables|dependants|dependents|referenc\w* by"
    r"|point(?:s|ing)? (?:to|at) (?:it|x)"
    r"|depend(?:s|ing)? on (?:it|x)|(?:which"
    r"|what) \w+ (?:references?|points? to|point at|depends? on|uses?)"
    r"|refers? to (?:it|x)|(?:tables|who|what) referenc\w*|incoming|references? to x|refs to x"
    r"|(?:who|which \w+|what \w+|tables?) (?:uses?|using|has|have) (?:it|x)(?: table)? as (?:an? )?"
    r"(?:foreign keys?|fks?|references?|parents?)"
)
PARENTS_OF = _any(r"(?:parents?|children|child tables?|dependants|dependents) (?:of|does|do|has|have)")
"""A count of a table's parents or children: tables, not keys."""
REFERENCES = _any(
    _HANG
    + "|"
    + _USES_IT
    + r"|parents?|children|child tables|referenc\w*|point(?:s|ing)? (?:to|at)|refers? to|foreign keys?|fks?"
    r"|depend\w* on|outgoing|dependants|dependents"
)
ROW_IDENTITY = _any(
    r"keyed|tell (?:\w+ ){0,4}apart|defines? (?:a|each|one|the) (?:row|record)"
    r"|distinguish\w* (?:\w+ )?(?:rows?|records?)|what makes (?:a|each|one) (?:row|record)"
)
"""What tells one row from another: the key, never the row count."""
KEYS = _any(
    r"primary keys?|pks?|unique|uniquely|identif(?:y|ies|ier|iers|ied|ying)|grain|natural keys?|keys?"
    r"|key columns?|what makes (?:a|each|one) (?:row|record)|keyed|tell (?:\w+ ){0,4}apart"
    r"|defines? (?:a|each|one|the) (?:row|record)|distinguish\w* (?:\w+ )?(?:rows?|records?)"
)
JOIN = _any(
    r"join\w*|sql|combine|path (?:from|between|to)|paths? (?:that )?(?:link|connect)\w*|get from|go from"
    r"|(?:get|go|travel|navigate|walk|hop|move) (?:from )?x (?:\w+ )?(?:over |across |through )?to x"
    r"|routes?|routing|navigate|traverse|hops?|chain of (?:joins|foreign keys|fks|links)"
    r"|how do i (?:link|connect|reach)|query .* together|from x (?:\w+ )?(?:over |across )?to x"
    r"|(?:get|go|travel|move) (?:over )?to x from"
)
LINEAGE = _any(
    r"lineage|upstream|downstream|com(?:e|es|ing) from|came from|fed (?:by|from)|feeds?|flowchart|provenance"
    r"|origins?|loaded from|derived from|data flows?|flows? (?:in)?to|where does .+ go|sources? of|used by"
    r"|consumers? of|built from|populated|loads? into"
)
UPSTREAM = _any(
    r"upstream|com(?:e|es|ing) from|came from|fed (?:by|from)|what feeds|sources? of|origins?|provenance"
    r"|loaded from|derived from|built from|populated|(?:load|loads|feed|feeds|flow|flows|go|goes) (?:in)?to x"
)
DOWNSTREAM = _any(
    r"downstream|x (?:goes|flows|feeds) (?:in)?to|does x feed|x feeds|used by|consumers? of|where does .+ go"
)
NEIGHBOURHOOD = _any(
    r"neighbou?rhood|whole area|everything around|around it|area around|wider|bigger picture|full picture"
)
RELATIONSHIPS = _any(
    r"relat(?:ed|es|e|ion|ions|ionship|ionships)|er|erd|diagram|entity[- ]relationship|connect(?:ed|s|ions?)?"
    r"|link(?:ed|s)?|neighbou?rs?"
)
TERM = _any(r"mean(?:s|ing)?|defin(?:e|es|ed|ition|itions)|the term|term for|glossary term|business term")
WHAT_IS = re.compile(r"^(?:so |and |ok |okay )?(?:what|who)(?:'s| is| are| was)\b")
COLUMNS = _any(r"columns?|fields?|attributes?")
COLUMN_SEARCH = _any(
    r"(?:columns?|fields?|attributes?) (?:for|named|called|like|with|containing|about|holding"
    r"|that hold|that store|storing)"
    r"|(?:is|are) there (?:a|an|any) (?:column|field)s?|(?:which|what) (?:tables|columns"
    r"|fields) (?:have|has|hold|store|contain)"
    r"|anywhere|(?:hold|holds|store|stores|contain|contains|keep|keeps)"
)
SEARCH = _any(
    r"search|find|look(?:ing)? for|look up|locate|where (?:is|are|can i find|do i find"
    r"|would i find)|anything (?:about|on)"
    r"|mention(?:s|ing)?|about|related to|regarding|concerning"
)
DESCRIBE = _any(
    r"describe|description|columns?|fields?|attributes?|schema|structure|tell me|details?|overview"
    r"|summar(?:y|ize|ise)"
    r"|explain|look like|info(?:rmation)?|what is|what's"
)
LIST = _any(
    r"tables|list|every table|each table|all (?:the )?table|what(?:'s| is) in|datasets"
    r"|what do (?:we|you) have|show (?:me )?(?:all|the)|inventory"
)
SCOPE_TABLE = _any(r"tables?")
SCOPE_COLUMN = _any(r"columns?|fields?|attributes?")

SHARE = _any(
    r"share|percentage|percent|proportion|fraction|ratio|what part|how much of|% of"
    r"|how many (?:of the )?tables (?:have|has|carry|come with|are) (?:an? |any |their )?"
    r"(?:owners?|stewards?|descriptions?|documented|described|primary keys?|pks?|foreign keys?|fks?|terms?)"
)
"""A share of the tables that have something ("what share of tables have a steward?"): a figure first."""
HAVE_NOT = re.compile(r"\b(?:no|without|lack\w*|missing|not|don'?t|doesn'?t|un\w+ed|nobody)\b")
NAME_IN = _any(
    r"in (?:the|their|its|a) (?:column |field )?names?|whose (?:column |field )?names? (?:\w+ )?"
    r"(?:contains?|includes?|has|have|mentions?|with|starts?|ends?|begins?)"
    r"|names? (?:contains?|containing|includes?|including|mentioning|mentions?|with|has|having)"
    r"|(?:named|called) (?:like|after)|(?:columns?|fields?) (?:named|called)"
)
"""A column asked by the words of its name ("columns with date in the name"), not by its kind of value."""
TERM_COLUMNS = _any(
    r"(?:linked|tied|mapped|attached|associated|connected|tagged|assigned|related) (?:to|with) (?:the )?"
    r"(?:glossary |business )?term|(?:use|uses|carry|carries|have|has) the (?:glossary |business )?term"
    r"|(?:the )?term \w+(?: \w+){0,3} (?:describes?|covers?|is linked to|applies to)"
)
"""The columns a glossary term is linked to ("which columns are linked to the term X")."""
ONE_COLUMN = re.compile(r"\b(?:a|an|any|one|some) \w+ (?:column|field)\b(?! of)")
"""One column asked by its word ("is there a vendor column anywhere?"): a name, not a kind of value."""
