"""An IdentityProvider with one token per person, as on a shared server where users have names.

Configure `ServerApp.identity_provider_class = NamedUsers` (or `named_users.NamedUsers` on a command
line) and send `Authorization: token <token>` with one of TOKENS.
"""

from __future__ import annotations

from jupyter_server.auth.identity import IdentityProvider, User
from tornado import web

TOKENS = {"ada-token-0123456789": "ada", "bob-token-0123456789": "bob"}


def auth(username: str) -> dict[str, str]:
    """The headers that make a request come from `username`."""
    token = next(token for token, name in TOKENS.items() if name == username)
    return {"Authorization": f"token {token}"}


class NamedUsers(IdentityProvider):
    """The user named by the request's token (header or `?token=`); nobody without a known token."""

    def get_user(self, handler: web.RequestHandler) -> User | None:
        username = TOKENS.get(self.get_token(handler) or "")
        return None if username is None else User(username=username)
