"""The words of a question that are not catalog names: filler, type words, cues, and words never mended."""

from __future__ import annotations

from ..catalog.models import TableType


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FILLER = _words("""
    a an the me us my our your please pls kindly can could would will shall should may might you i we
    do does did done don't dont is are was were be been being am what which who whom whose how where
    when why there here show list give tell display draw see view open get fetch need want like know
    let about of for in on at by with from into onto between and or vs versus to as than via have has
    having had any some all every each also just again now then so too only hi hello hey thanks thank
    thx cheers help ok okay yes sure well same catalog mcop explorer more other another one ones it
    its itself this that these those them they their up down out over go goes going went come comes
    coming came make made use used uses using available exist exists much many number count plus
    explain quick question wondering curious actually maybe possibly currently exactly really
    table tables thing things stuff something anything everything whole entire there's what's who's
    whats thats lot lots kind kinds sort type types look looking info information detail details
    overview summary describe description tell mean means meaning define definition grain level
    anywhere somewhere called named i'm im i've we're sorry new
    um umm uh uhh erm er hmm hmmm basically kinda sorta whatever whichever got gotten if
""")
"""Words that never name anything in a question (a name may still contain them: "unit of measure")."""

TYPE_WORDS: dict[str, TableType] = {
    **dict.fromkeys(("fact", "facts", "fct"), "FACT"),
    **dict.fromkeys(("dimension", "dimensions", "dim", "dims"), "DIMENSION"),
    **dict.fromkeys(("staging", "stage", "stg"), "STAGING"),
    **dict.fromkeys(("source", "sources", "src", "raw"), "SOURCE"),
    **dict.fromkeys(("view", "views"), "VIEW"),
}

NOT_TYPOS = _words("""
    personal documented documentation sensitive confidential certified neighbourhood neighborhood
    themselves itself referencing referenced depends dependent largest biggest smallest described
    undocumented unowned owned coverage classified classification freshness refreshed loaded
    starting start starts begin begins beginning prefixed dependants dependents dependant dependent widest
    parents children child
    deal deals dealing stuff walk walking through thru break breaks breaking unpack lowdown rundown scoop
    skinny cover covers covering concern concerns involve involves handle handles talk talking speak
    speaking ask asking carry carries carrying
""")
"""Words of questions that are never misspellings of a catalog word, however close they look."""
PRONOUNS = _words("it its itself them they their this that same those these")
PLURAL_PRONOUNS = _words("them they their those these")
CUES = _words("""
    own owns owned owner owners ownership steward stewards stewardship responsible lineage upstream
    downstream relationship relationships related relate er erd diagram join joins joined joining
    path sql reference references referenced referencing foreign primary key keys column columns
    field fields impact break breaks change changes certified certification status fresh freshness
    refresh quality glossary term terms define defined feed feeds fed source origin flow flows
    compare difference neighbourhood neighborhood grain pii classified classification sensitive
    largest biggest rows search find where locate connect connected link linked contain contains
    hold holds store stores missing without no lack lacking who whose change changes changing
    changed break breaks drop alter rename remove delete modify deprecate affect affects status
    count rows row size grain point points list compare versus similar identify unique optional
    nullable null personal data people person largest biggest top many tables total number
    documented documentation description descriptions money amount amounts date dates value values
    email phone address record records recorded track tracks tracked keep keeps kept saved capture
    captures captured
""")
"""Words that say what is asked: never a table name on their own, never mended into one."""
PHRASE_CUES = _words("""
    data
    search searching find finding look lookup locate mean means meaning define defines defined
    definition glossary term terms column columns field fields attribute attributes mentioning
    mention mentions containing contain contains hold holds holding store stores stored keep keeps
    kept anywhere where regarding concerning related relate named called hold
""")
"""Words that ask for a search or a term, left out of the phrase searched for."""
TYPO_EXEMPT = FILLER | frozenset(TYPE_WORDS)

NAME_WORDS = _words("type types kind info detail details level grain summary overview description")
"""Filler words that may still end a name ("content types", "order details")."""
TYPO_TARGETS = tuple(
    sorted(
        w
        for w in (
            CUES
            | FILLER
            | frozenset(TYPE_WORDS)
            | _words("""
            foreign primary nullable optional related relationship relationships references referenced points
            themselves itself unowned undocumented depends mention mentions tables
            loaded refreshed certified columns column tables table which about search quick could would should
            glossary lineage upstream downstream owner owners steward stewards describe explain compare
            attribute attributes containing mentioning matching
        """)
        )
        if len(w) > 3 and w.isalpha()
    )
)
"""Grammar words a misspelt question word may be mended to ("foriegn" -> foreign, "abut" -> about)."""
COLUMN_STOP = (FILLER - NAME_WORDS - frozenset(TYPE_WORDS)) | _words("""
    column columns field fields attribute attributes value values like named called containing contain
    contains with keep kept store stores stored hold holds holding put anywhere which tables table have has
    track tracks tracked mention mentions mentioning somewhere any capture captures captured record records
    recorded save saves saved persist persists persisted carry carries carrying
    find finding look looks looking locate around everywhere across within throughout
    where do we any there is are a an the that for of in our hi hey hello thanks please
""")
"""Words of a question about columns that are not part of the column name asked for."""
QUANTIFIERS = _words("full complete whole entire every each total single all any")
"""Words that say how much of a list is asked ("the full table list"): never a table's name before `table`."""
ATTRIBUTES = CUES | _words("pk pks fk fks parents parent children child columns fields lineage keys owner")
"""A table's attribute words: a question of these alone ("and the pk?") asks about the table discussed."""
COLUMN_NOUNS = _words("column columns field fields attribute attributes")
SHORT_FORMS: dict[str, str] = {
    "col": "column",
    "cols": "columns",
    "attr": "attribute",
    "attrs": "attributes",
    "tbl": "table",
    "tbls": "tables",
}
"""Short forms a steward types for the grammar's nouns ("cols called slug"): read as the nouns."""
NAMING = _words("called named titled labelled labeled like containing matching mentioning")
"""Words that give a column's name after a column noun ("fields called slug", "columns named like x")."""
RELATIVE = _words("that which who whose is are be")
"""Words between a column noun and its naming word ("columns that are called x")."""
FILLER_NOUNS = _words("number numbers count counts")
"""Filler words ("the number of tables") that are ordinary column words where a column's name goes."""
ASKING = _words("""
    which what who whom whose how where when why is are was were does do did can could would will should
    list show find give tell describe explain look looking search searching seek seeking need needs want
""")
"""Words that ask (or say what is sought): a clause holding one is the question, never a preamble to it."""
INDEFINITE = _words("a an any some one no")
"""Articles that ask whether such a thing exists ("is there a column for x?"), not for a known one."""
PLACES = _words("schema schemas database databases db dbs catalog catalogue warehouse app application model")
"""Nouns of where a question looks ("in this schema"), never a column's word after a `PLACE_LEADS` word."""
PLACE_LEADS = _words("this the our my whole entire in across throughout within")
DETERMINERS = _words("""
    a an the any some all every each no which what whose its their our my your this that these those
    other more many few such own key foreign primary
""")
"""Words before `columns` that say which or how many, never the columns' name ("any columns")."""
VERBS = _words("""
    link links linking linked use uses using used depend depends depending depended reference references
    referencing refer refers referring point points pointing need needs call calls calling join joins
    connect connects relate relates feed feeds load loads loading own owns contain contains hold holds
    store stores track tracks keep keeps belong belongs hang hangs rely relies map maps
""")
"""Verbs of a question: a table's loose name only where the grammar puts a name (see `NAME_LEADS`)."""
NAME_LEADS = _words("the a an all our my your these those some any about describe explain of")
"""Words after which a question's word stands where a table's name goes ("the links", "about uses")."""
KEY_WORDS = _words("key keys fk fks foreign references refs links")
"""Words of a count of a table's keys in a follow-up ("and how many keys?")."""
FOLLOW_OPENERS = ("and ", "what about ", "how about ", "and what about ")
"""How a follow-up about the table discussed opens ("and how many fks?")."""
WHOLE_WORDS = _words("whole entire total overall altogether catalog catalogue database schema everywhere all")
"""Words that widen a count to the whole catalog ("how many foreign keys in the whole catalog?")."""
