"""Keeping secrets out of what users and logs see: every form a credential takes in text is masked.

`redact(text)` masks passwords in a URL's user info (`u:S@host`), the values of parameters whose
names say they hold a secret (`?password=S`, `&api_key=S`, `pwd=S;`, `"token": "S"`), bearer tokens,
API-key-like strings, and the values of the environment's secret variables wherever they appear.
A secret it once masked in one of those forms is masked wherever it appears later, bare.
`RedactingFilter` applies it to every record a logging handler writes.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable

MASK = "***"

_SECRET_VARIABLE = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|_PWD|CREDENTIALS?)$", re.IGNORECASE)
_SECRET_PARAMETER = (
    r"(?:[\w.-]*(?:password|passwd|passphrase|secret|token|credential|"
    r"(?:api|access|account|private|client|shared)[_-]?key)[\w.-]*"
    r"|(?:[\w.-]*[_.-])?(?:pwd|pass|auth|key|sig|signature)(?:[_.-][\w.-]*)?)"
)
"""Names of parameters that hold a secret: any holding password, secret, token, api_key ... and
those whose part between separators is pwd, pass, auth, key or sig (`X-Amz-Signature`, not `design`)."""
_URL_PASSWORD = re.compile(r"(?P<keep>[a-z][a-z0-9+.-]*://[^/\s:@]*:)(?P<secret>[^\s/]*)@", re.IGNORECASE)
_PARAMETER = re.compile(
    rf"(?P<keep>(?<![\w.-]){_SECRET_PARAMETER}=)(?P<secret>[^&;#\s'\"<>]+)", re.IGNORECASE
)
_QUOTED = re.compile(
    rf"(?P<keep>(?P<q>[\"']){_SECRET_PARAMETER}(?P=q)\s*:\s*(?P<v>[\"']))(?P<secret>[^\"']+)(?P=v)",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_KEYLIKE = re.compile(r"\b(sk|pk|rk)-[A-Za-z0-9_-]{12,}")
_MIN_BARE = 6
"""Shorter values are masked only where their form shows them (masking "abc" everywhere would
garble text, and says little about the secret)."""
_REMEMBERED_AT_MOST = 256
_remembered: set[str] = set()


def secret_values() -> list[str]:
    """Values of environment variables whose names say they hold a secret (long enough to matter),
    and secrets `redact` has seen in a URL or parameter, longest first."""
    values = {value for name, value in os.environ.items() if _SECRET_VARIABLE.search(name)}
    values |= _remembered
    return sorted((v for v in values if len(v) >= _MIN_BARE), key=len, reverse=True)


def _masked(match: re.Match[str]) -> str:
    secret = match.group("secret")
    if len(secret) >= _MIN_BARE and MASK not in secret and len(_remembered) < _REMEMBERED_AT_MOST:
        _remembered.add(secret)
    closing = match.group("v") if "v" in match.re.groupindex else ""
    return f"{match.group('keep')}{MASK}{closing}{'@' if match.re is _URL_PASSWORD else ''}"


def redact(text: str) -> str:
    """`text` with every secret it holds replaced by ***."""
    text = _URL_PASSWORD.sub(_masked, text)
    text = _PARAMETER.sub(_masked, text)
    text = _QUOTED.sub(_masked, text)
    for value in secret_values():
        if value in text:
            text = text.replace(value, MASK)
    text = _BEARER.sub(rf"\g<1>{MASK}", text)
    return _KEYLIKE.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Masks secrets in every record a handler writes: its message and its traceback. Records that
    `spare` accepts are written as they are (a server's own login URL, printed for its user)."""

    def __init__(self, spare: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self.spare = spare

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.spare is not None and self.spare(message):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def redact_logs(*loggers: logging.Logger, spare: Callable[[str], bool] | None = None) -> None:
    """Add one RedactingFilter to every handler of `loggers`, of the root logger, and to the handler
    of last resort (what writes a library's warnings when nothing else is set up)."""
    handlers = [h for logger in (*loggers, logging.getLogger()) for h in logger.handlers]
    for handler in [*handlers, *([logging.lastResort] if logging.lastResort else [])]:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(spare))
