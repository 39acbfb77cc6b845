"""Collibra's steward attributes and statuses (classification, certification, freshness, row counts,
data quality) read as typed facts. Each fact takes the first of its attribute names an asset has."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .snapshot import MetadataKind

CLASSIFICATION = (
    "Security Classification",
    "Data Classification",
    "Information Classification",
    "Classification",
)
"""Attributes holding a sensitivity label ("Confidential", "Restricted", "Public")."""
PERSONAL = ("Personal Information", "Personally Identifiable Information", "Contains PII", "Is PII")
"""Boolean attributes saying the asset holds personal data: read as the label "PII"."""
CERTIFIED = ("Certified", "Is Certified")
"""Boolean attributes; without one, the status "Certified" says certified and an unfinished or
retired status says not."""
CERTIFIED_STATUSES = frozenset({"certified"})
UNCERTIFIED_STATUSES = frozenset(
    {"candidate", "under review", "draft", "in progress", "rejected", "obsolete", "deprecated", "retired"}
)
REFRESH = ("Refresh Frequency", "Refresh Schedule", "Update Frequency", "Frequency")
LAST_LOADED = ("Last Loaded", "Last Load Date", "Last Refreshed", "Last Refresh Date", "Last Modified")
ROW_COUNT = ("Row Count", "Number of Records", "Number of Rows", "Record Count")
QUALITY = ("Data Quality Score", "Quality Score", "Overall Data Quality Score", "DQ Score")

_KIND_OF: tuple[tuple[MetadataKind, tuple[str, ...]], ...] = (
    ("classification", CLASSIFICATION + PERSONAL),
    ("certification", CERTIFIED),
    ("freshness", REFRESH + LAST_LOADED),
    ("row_counts", ROW_COUNT),
    ("quality", QUALITY),
)
ALWAYS: frozenset[MetadataKind] = frozenset({"descriptions", "owners", "stewards", "terms", "lineage"})
"""What Collibra always models: a missing owner there is a gap, not something it cannot record."""

Values = Mapping[str, Sequence[Any]]
"""An asset's attribute values by attribute type name."""


def _first(values: Values, names: Iterable[str]) -> Any:
    for name in names:
        found = values.get(name)
        if found:
            return found[0]
    return None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "y", "1", "x"}
    return bool(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "").replace("_", "").strip().rstrip("%"))
    except ValueError:
        return None


def classification(values: Values) -> str:
    """The sensitivity label; "PII" where a personal-information flag is set (with any label)."""
    label = str(_first(values, CLASSIFICATION) or "").strip()
    personal = _first(values, PERSONAL)
    if personal is not None and _flag(personal) and "pii" not in label.lower():
        return f"PII, {label}" if label else "PII"
    return label


def certified(values: Values, status: str) -> bool | None:
    """True or False where the attribute or the status says; None where nothing does."""
    flag = _first(values, CERTIFIED)
    if flag is not None:
        return _flag(flag)
    lowered = status.strip().lower()
    if lowered in CERTIFIED_STATUSES:
        return True
    return False if lowered in UNCERTIFIED_STATUSES else None


def refresh_schedule(values: Values) -> str:
    return str(_first(values, REFRESH) or "").strip()


def last_loaded(values: Values) -> str:
    """ISO 8601; Collibra's date attributes are milliseconds since the epoch (UTC)."""
    value = _first(values, LAST_LOADED)
    number = None if isinstance(value, str) else _number(value)
    if number is not None:
        return datetime.fromtimestamp(number / 1000, tz=UTC).isoformat().replace("+00:00", "Z")
    return str(value or "").strip()


def row_count(values: Values) -> int | None:
    number = _number(_first(values, ROW_COUNT))
    return round(number) if number is not None and number >= 0 else None


def quality_score(values: Values) -> float | None:
    """0 to 100; a fraction (0.87) is read as a percentage."""
    number = _number(_first(values, QUALITY))
    if number is None or number < 0:
        return None
    if number < 1 and number != int(number):
        number *= 100
    return round(min(number, 100.0), 2)


def holds(attribute_names: Iterable[str], statuses: Iterable[str]) -> frozenset[MetadataKind]:
    """What this Collibra records: what it always models, and each steward kind it has attributes of."""
    present = set(attribute_names)
    kinds: set[MetadataKind] = set(ALWAYS)
    for kind, names in _KIND_OF:
        if present.intersection(names):
            kinds.add(kind)
    if any(s.strip().lower() in CERTIFIED_STATUSES for s in statuses):
        kinds.add("certification")
    return frozenset(kinds)
