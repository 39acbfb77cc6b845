"""The cues of a question's grammar: patterns read from the question with its catalog names masked out
(a table named `reference` is no cue), each saying what kind of question it is."""

from __future__ import annotations

import re


def any_of(alternatives: str) -> re.Pattern[str]:
    """A pattern matching any of the `|`-separated alternatives as whole words."""
    return re.compile(r"\b(?:" + alternatives + r")\b")


ASIDE = re.compile(r"\( (?:(?!x )[^()])*\)")
"""A parenthesis naming no table ("the parents (fks) of x"): an aside, left out when cues are read."""
OPENER = re.compile(
    r"^(?:(?:so|um+|uh+|erm|er|hm+|ok|okay|well|right|alright|anyway|oh|ah|quick question)\b[ ,:;.!-]*)+"
)
"""Words a spoken question opens with ("so um, what have we got for X?"): read past, never a cue."""
THEN_LIST = any_of(r"list|show|name them|which are they|what are they")
GREETING = re.compile(r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b")
POLITE = re.compile(
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))\b[ !,.]*(?:there\b)?"
    r"|\b(?:thanks|thank you|thx|cheers|ta)(?: (?:a lot|so much|again))?[ !.]*$"
)
AREA_QUESTION = any_of(
    r"apps?|areas?|modules?|prefix(?:es)?|belong\w*|part of|sections?|tables? (?:in|of|from|for|under)"
    r"|(?:list|show)(?: me)?(?: all)?(?: the)? \w+ tables|how many tables?|start(?:s|ing)? with"
    r"|beginning with|prefixed(?: with| by)?"
)
ABOUT_TABLES = any_of(r"referenc\w*|join\w*|lineage|upstream|downstream|relat\w*|owns?|owner|impact|break\w*")
THANKS = re.compile(r"^(?:thanks|thank you|thx|cheers)\b")
HELP = re.compile(r"^(?:help|\?|what can (?:you|i) (?:do|ask)|how does this work)\b")
MORE = any_of("more|next|rest|continue|remaining")
FOLLOW_UP = re.compile(r"^(?:and|also|what about|how about|same for|now|then)\b")
COUNT = any_of(
    r"how many|number of|count of|count the|count|total number|how big is the catalog|size of the catalog"
)
_WHOLE = r"(?:catalog|database|db|schema|warehouse|data ?base|place|system|repository|repo)"
SUMMARY = any_of(
    r"what(?:'s| is) in (?:the|this|our|here)(?: " + _WHOLE + r")?(?: \w+)?$|overview|summar(?:y|ise|ize)"
    r"|what(?:'s| is) (?:the|this|our) " + _WHOLE + r" (?:about|for|made of)|big picture"
    r"|what(?:'s| is) (?:here|in here|in there)|what (?:do|does) (?:the|this|our) "
    + _WHOLE
    + r" (?:hold|contain|have)|tell me about (?:the|this|our) "
    + _WHOLE
)
"""Questions about the whole catalog: its counts and areas first (a table named in them is about it)."""
_AREA = r"(?:areas?|apps?|applications?|modules?|domains?|schemas|sections?|subject areas?|components?)"
AREAS_RANKED = any_of(
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
WIDEST_ONLY = any_of(r"widest|most columns|most fields|most attributes|how wide")
TABLES_ASKED = any_of(r"tables?|which|what|list|show|any|datasets?")
EXPLICIT_DESCRIBE = re.compile(
    r"^(?:please )?(?:describe|explain|(?:show|give) me|tell me about|details (?:of|on|for)"
    r"|info (?:on|about))\b"
)
WHERE = re.compile(r"^(?:so |and |ok )?where\b")
BOTH_ENDS = re.compile(r"\b(?:from|between|join|link|connect|relate)\b.+\b(?:to|and|with)\b")
"""A join question naming both of its ends ("from order lines to the customer")."""
ASKING = re.compile(r"^(?:where|which|what|who|does|do|is|are|any|find|show|search|look|have|has)\b")
WIDEST = any_of(
    r"widest|most columns|most fields|most attributes"
    r"|columns? (?:does|do|has|have) the (?:biggest|largest|widest)"
    r"|(?:biggest|largest) table (?:have|has)|how wide"
)
CERTIFIED_LIST = any_of(r"certified|certification|uncertified")
UNCERTIFIED = any_of(r"not certified|uncertified|isn'?t certified|aren'?t certified|lack\w* certification")
GLOSSARY = any_of(
    r"glossary|business terms|(?:list|all|show)(?: \w+)? terms|terms (?:do we have|are there|defined)"
)
PEOPLE = any_of(
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
        any_of(
            r"foreign keys?|fks?|relationships?|references?|links?|linked|joins?|connect\w*|isolated"
            r"|orphan\w*|point\w*|incoming|outgoing|alone|standalone|on (?:its|their) own"
        ),
    ),
    ("primary_key", any_of(r"primary keys?|pks?|keys?|identifiers?")),
    ("steward", any_of(r"stewards?(?:ship)?")),
    ("owner", any_of(r"owners?|owned|owns|ownership|unowned")),
    ("description", any_of(r"descriptions?|described|documentation|documented|undocumented|comments?|docs?")),
    ("terms", any_of(r"terms?|glossary")),
)
LINKS_NOTHING = any_of(
    r"(?:referenc(?:e|es|ing)|refer(?:s|ring)? to|point(?:s|ing)? (?:to|at)|depend(?:s|ing)? on)"
    r" (?:nothing|none|no (?:other )?tables?|no one)"
)
"""Tables whose own references go nowhere ("tables that reference nothing"): no foreign keys of their
own, whatever references them (a link to nothing is both ways)."""
COVERAGE = any_of(
    r"coverage|documentation debt|how (?:well )?documented|how complete|completeness|documented are"
)
REL_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "self-referencing",
        any_of(
            r"self[- ]?referen\w*|(?:keys?|fks?|references?|links?) (?:to|at|on) (?:itself|themselves)"
            r"|point\w* (?:at|to) the same table|to the same table|to (?:itself|themselves)"
            r"|(?:its|their) own (?:kind|table|type|rows?)"
            r"|(?:refer|point|link|loop)\w*(?: back)?(?: to| at| on)? (?:itself|themselves)"
            r"|recursive"
            r"|hierarch\w*"
            r"|self[- ]joins?"
        ),
    ),
    ("one-to-one", any_of(r"one[- ]to[- ]one|1 ?: ?1|1-1|1 to 1|one-one")),
    (
        "many-to-many",
        any_of(r"many[- ]to[- ]many|m:n|n:m|junction|bridge tables?|link tables?|association tables?"),
    ),
    (
        "optional",
        any_of(
            r"optional|nullable (?:foreign keys?|fks?|references?)|(?:may|can) be (?:null|empty|blank)"
            r"|(?:may|can) be missing|zero[- ]or[- ]one|allows? nulls?|nullable"
        ),
    ),
)
LARGEST = any_of(
    r"largest|biggest|most rows|big tables|by (?:row count|rows|size|row counts|number of rows|volume)"
    r"|heaviest|largest tables|(?:top|first) (?:\d+ )?tables(?= by)|most data|most records"
    r"|row counts? (?:ranked|ranking)"
)
IMPACT = any_of(
    r"break\w*|impact\w*|affect\w*|blast radius|if (?:i|we) (?:change|drop|alter|rename|remove"
    r"|modify|delete|deprecate)"
    r"|who (?:do|should|must) (?:i|we) (?:tell|notify|inform|warn)|before (?:changing|dropping"
    r"|altering|removing)|before (?:i|we) (?:change|drop|alter|rename|remove)"
)
COMPARE = any_of(r"compare|comparison|differences?|differ|versus|vs|similar")
CLASSIFIED = any_of(
    r"pii|personal(?: data| information)?|sensitive|confidential|classif\w*|gdpr|private|restricted|secret"
)
STATUS = any_of(
    r"certif\w*|status|fresh\w*|refresh\w*|last (?:loaded|updated|load|refreshed)|up to date|stale|quality"
    r"|trust\w*|reliable|how many rows|row count|rows|approved|deprecated|when (?:was"
    r"|is) .* (?:loaded|updated)"
)
FRESHNESS = any_of(
    r"fresh\w*|refresh\w*|last (?:loaded|updated|load|refreshed|run)|up to date|stale|how often|schedul\w*"
    r"|when (?:was|is|are|were|does|do|did|will) (?:\w+ ){1,6}(?:loaded|updated|refreshed|load|loads|update"
    r"|updates|refresh|refreshes|run|runs|built|rebuilt|populated)(?! (?:from|into|by|via|out of))"
    r"|(?:gets?|got|being) (?:loaded|refreshed|updated|populated|rebuilt)(?! (?:from|into|by|via|out of))"
    r"|load (?:time|schedule|frequency)"
)
"""When a table is loaded: its refresh schedule and last load, first."""
PERSON_ASSETS = any_of(
    r"own|owns|owned|steward|stewards|responsible|look after|looks after|manage|manages|in charge"
)
OWNER = any_of(
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
PARENTS = any_of(
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
REFERENCED_BY = any_of(
    _USES_IT + r"|(?:" + _HANG + r") (?:the )?x|children|child tables|dependants|dependents|referenc\w* by"
    r"|point(?:s|ing)? (?:to|at) (?:it|x)"
    r"|depend(?:s|ing)? on (?:it|x)|(?:which"
    r"|what) \w+ (?:references?|points? to|point at|depends? on|uses?)"
    r"|refers? to (?:it|x)|(?:tables|who|what) referenc\w*|incoming|references? to x|refs to x"
    r"|(?:who|which \w+|what \w+|tables?) (?:uses?|using|has|have) (?:it|x)(?: table)? as (?:an? )?"
    r"(?:foreign keys?|fks?|references?|parents?)"
)
PARENTS_OF = any_of(r"(?:parents?|children|child tables?|dependants|dependents) (?:of|does|do|has|have)")
"""A count of a table's parents or children: tables, not keys."""
REFERENCES = any_of(
    _HANG
    + "|"
    + _USES_IT
    + r"|parents?|children|child tables|referenc\w*|point(?:s|ing)? (?:to|at)|refers? to|foreign keys?|fks?"
    r"|depend\w* on|outgoing|dependants|dependents"
)
ROW_IDENTITY = any_of(
    r"keyed|tell (?:\w+ ){0,4}apart|defines? (?:a|each|one|the) (?:row|record)"
    r"|distinguish\w* (?:\w+ )?(?:rows?|records?)|what makes (?:a|each|one) (?:row|record)"
)
"""What tells one row from another: the key, never the row count."""
KEYS = any_of(
    r"primary keys?|pks?|unique|uniquely|identif(?:y|ies|ier|iers|ied|ying)|grain|natural keys?|keys?"
    r"|key columns?|what makes (?:a|each|one) (?:row|record)|keyed|tell (?:\w+ ){0,4}apart"
    r"|defines? (?:a|each|one|the) (?:row|record)|distinguish\w* (?:\w+ )?(?:rows?|records?)"
)
JOIN = any_of(
    r"join\w*|sql|combine|path (?:from|between|to)|paths? (?:that )?(?:link|connect)\w*|get from|go from"
    r"|(?:get|go|travel|navigate|walk|hop|move) (?:from )?x (?:\w+ )?(?:over |across |through )?to x"
    r"|routes?|routing|navigate|traverse|hops?|chain of (?:joins|foreign keys|fks|links)"
    r"|how do i (?:link|connect|reach)|query .* together|from x (?:\w+ )?(?:over |across )?to x"
    r"|(?:get|go|travel|move) (?:over )?to x from"
)
LINEAGE = any_of(
    r"lineage|upstream|downstream|com(?:e|es|ing) from|came from|fed (?:by|from)|feeds?|flowchart|provenance"
    r"|origins?|loaded from|derived from|data flows?|flows? (?:in)?to|where does .+ go|sources? of|used by"
    r"|consumers? of|built from|populated|loads? into"
)
UPSTREAM = any_of(
    r"upstream|com(?:e|es|ing) from|came from|fed (?:by|from)|what feeds|sources? of|origins?|provenance"
    r"|loaded from|derived from|built from|populated|(?:load|loads|feed|feeds|flow|flows|go|goes) (?:in)?to x"
)
DOWNSTREAM = any_of(
    r"downstream|x (?:goes|flows|feeds) (?:in)?to|does x feed|x feeds|used by|consumers? of|where does .+ go"
)
NEIGHBOURHOOD = any_of(
    r"neighbou?rhood|whole area|everything around|around it|area around|wider|bigger picture|full picture"
)
RELATIONSHIPS = any_of(
    r"relat(?:ed|es|e|ion|ions|ionship|ionships)|er|erd|diagram|entity[- ]relationship|connect(?:ed|s|ions?)?"
    r"|link(?:ed|s)?|neighbou?rs?"
)
TERM = any_of(r"mean(?:s|ing)?|defin(?:e|es|ed|ition|itions)|the term|term for|glossary term|business term")
WHAT_IS = re.compile(r"^(?:so |and |ok |okay )?(?:what|who)(?:'s| is| are| was)\b")
SEARCH = any_of(
    r"search|find|look(?:ing)? for|look up|locate|where (?:is|are|can i find|do i find"
    r"|would i find)|anything (?:about|on)"
    r"|mention(?:s|ing)?|about|related to|regarding|concerning"
)
DESCRIBE = any_of(
    r"describe|description|columns?|fields?|attributes?|schema|structure|tell me|details?|overview"
    r"|summar(?:y|ize|ise)"
    r"|explain|look like|info(?:rmation)?|what is|what's"
)
LIST = any_of(
    r"tables|list|every table|each table|all (?:the )?table|what(?:'s| is) in|datasets"
    r"|what do (?:we|you) have|show (?:me )?(?:all|the)|inventory"
)
SCOPE_TABLE = any_of(r"tables?")
SHARE = any_of(
    r"share|percentage|percent|proportion|fraction|ratio|what part|how much of|% of"
    r"|how many (?:of the )?tables (?:have|has|carry|come with|are) (?:an? |any |their )?"
    r"(?:owners?|stewards?|descriptions?|documented|described|primary keys?|pks?|foreign keys?|fks?|terms?)"
)
"""A share of the tables that have something ("what share of tables have a steward?"): a figure first."""
HAVE_NOT = re.compile(r"\b(?:no|without|lack\w*|missing|not|don'?t|doesn'?t|un\w+ed|nobody)\b")
