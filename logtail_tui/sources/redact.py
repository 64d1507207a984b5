"""Hiding credentials in anything that may be displayed (labels, states, errors).

Every ``scheme://user:password@host`` loses its user info and every query value whose
name looks secret (``token``, ``key``, ``password``, ``sig`` ...) becomes ``***``,
whatever the scheme: a third-party adapter gets this without doing anything.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from logtail_tui.core.sanitize import sanitize

_SECRET_NAME = (
    r"[^=&#\s]*(?:token|secret|passw|pwd|api_?key|apikey|auth|jwt|credential|session)[^=&#\s]*"
    r"|key|sig|signature|code"
)
_QUERY_SECRET = re.compile(rf"(?i)([?&](?:{_SECRET_NAME})=)[^&#\s]*")
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/?#@\s]*@")
_SECRET_KEY = re.compile(rf"(?i)^(?:{_SECRET_NAME})$")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with URL credentials (user info, secret-looking query values) and ``secrets`` hidden."""
    if "@" in text:
        text = _USERINFO.sub(r"\1***@", text)
    if "=" in text:
        text = _QUERY_SECRET.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def shorten(text: str, limit: int) -> str:
    """A peer-given phrase made inert (no escapes or controls), on one line, at most
    ``limit`` characters: the one shortening every status detail goes through."""
    text = sanitize(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact_label(text: str, secrets: tuple[str, ...], token_param: str | None) -> str:
    """A display label for ``text``: `redact`, and the ``--token-param`` value hidden."""
    text = redact(text, secrets)
    return hide_param(text, token_param) if token_param else text


def hide_param(text: str, name: str) -> str:
    """``text`` with the value of query parameter ``name`` hidden (``--token-param``)."""
    return re.sub(rf"([?&]{re.escape(name)}=)[^&#]*", r"\1***", text)


def url_secrets(text: str) -> tuple[str, ...]:
    """The credentials a URL carries (password in the user info, secret query values), so
    that a peer echoing one back is redacted too."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ()
    found = []
    if parts.password:
        found += [parts.password, unquote(parts.password)]
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        if _SECRET_KEY.match(name):
            found.append(value)
    return tuple(s for s in dict.fromkeys(found) if len(s) >= 4)
