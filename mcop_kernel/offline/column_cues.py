"""The cues of questions about columns: a column asked by its name or its kind of value, where a kind of
data is kept, and columns as what is asked ("which tables have a slug field?")."""

from __future__ import annotations

import re

from .cues import any_of

VALUES = any_of(r"(?:keep|store|hold|put)\b.* values?|columns? like")
COLUMN_FIRST = any_of(
    r"(?:which|what|any) (?:columns?|fields?) (?:mention|contain|named|called|like|with|about|for)\w*"
    r"|in any columns?"
)
NAME_SEARCH = any_of(r"mention\w*|named|called|(?<!look )(?<!looks )like|contain\w*|in any columns?")
COLUMN_OF_TABLES = any_of(
    r"(?:tables?|which|where) (?:\w+ ){0,3}(?:have|has|with|contains?|holds?) (?:a |an |any |the )?"
    r"(?:\w+ ){1,2}(?:columns?|fields?)"
)
STORED = any_of(
    r"(?:where|which|what|does|do|is|are|anything|anywhere|something|who)\b.*\b(?:keep|keeps|kept|store|stores"
    r"|stored|storing|hold|holds|held|track|tracks|tracked|record|records|recorded|save|saves|saved|capture"
    r"|captures|captured|persist|persists|persisted|carry|carries|carrying|contain|contains|containing)\b"
    r"|(?:kept|stored|held|tracked|recorded|saved|captured|persisted)\b.*\b(?:anywhere|somewhere|where)"
)
"""Where a kind of data lives: a question about columns ("where do we keep phone numbers?")."""
KIND_ASKED = re.compile(
    r"^(?:which|what|any|list|show|find|give|where|are there|is there|do we|does)\b|\blook(?:s)? like\b"
    r"|\b(?:find|show|list|give me)\b"
)
KIND_CUE = any_of(r"looks? like|kinds? of|types? of|sorts? of")
"""Words that ask for a kind of value rather than a column name ("columns that look like dates")."""
COLUMNS = any_of(r"columns?|fields?|attributes?")
COLUMN_SEARCH = any_of(
    r"(?:columns?|fields?|attributes?) (?:for|named|called|like|with|containing|about|holding"
    r"|that hold|that store|storing)"
    r"|(?:is|are) there (?:a|an|any) (?:column|field)s?|(?:which|what) (?:tables|columns"
    r"|fields) (?:have|has|hold|store|contain)"
    r"|anywhere|(?:hold|holds|store|stores|contain|contains|keep|keeps)"
)
SCOPE_COLUMN = any_of(r"columns?|fields?|attributes?")

NAME_IN = any_of(
    r"in (?:the|their|its|a) (?:column |field )?names?|whose (?:column |field )?names? (?:\w+ )?"
    r"(?:contains?|includes?|has|have|mentions?|with|starts?|ends?|begins?)"
    r"|names? (?:contains?|containing|includes?|including|mentioning|mentions?|with|has|having)"
    r"|(?:named|called) (?:like|after)|(?:columns?|fields?) (?:named|called)"
)
"""A column asked by the words of its name ("columns with date in the name"), not by its kind of value."""
TERM_COLUMNS = any_of(
    r"(?:linked|tied|mapped|attached|associated|connected|tagged|assigned|related) (?:to|with) (?:the )?"
    r"(?:glossary |business )?term|(?:use|uses|carry|carries|have|has) the (?:glossary |business )?term"
    r"|(?:the )?term \w+(?: \w+){0,3} (?:describes?|covers?|is linked to|applies to)"
)
"""The columns a glossary term is linked to ("which columns are linked to the term X")."""
ONE_COLUMN = re.compile(r"\b(?:a|an|any|one|some) \w+ (?:column|field)\b(?! of)")
"""One column asked by its word ("is there a vendor column anywhere?"): a name, not a kind of value."""
