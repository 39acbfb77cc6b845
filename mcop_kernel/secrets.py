"""Keeping secrets out of what users and logs see: credentials from the environment are redacted."""

from __future__ import annotations

import os
import re

_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_KEYLIKE = re.compile(r"\b(sk|pk|rk)-[A-Za-z0-9_-]{12,}")
MASK = "***"


def secret_values() -> list[str]:
    """Values of environment variables whose names say they hold a secret (long enough to matter)."""
    return sorted(
        (value for name, value in os.environ.items() if _SECRET_NAME.search(name) and len(value) >= 6),
        key=len,
        reverse=True,
    )


def redact(text: str) -> str:
    """`text` with secrets from the environment, URL passwords, bearer tokens and API-key-like
    strings replaced by ***."""
    for value in secret_values():
        text = text.replace(value, MASK)
    text = _URL_PASSWORD.sub(rf"\g<scheme>{MASK}@", text)
    text = _BEARER.sub(rf"\g<1>{MASK}", text)
    return _KEYLIKE.sub(MASK, text)
