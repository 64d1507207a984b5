"""Credentials and TLS for network sources (HTTP and WebSocket share these).

``--token`` travels as ``Authorization: Bearer`` unless ``--token-param NAME`` asks for a
query parameter instead (browsers' EventSource cannot send headers, so some servers
expect ``?token=``). Nothing here ever puts a secret into a message: callers display
``spec.label``, which the registry has already redacted.
"""

from __future__ import annotations

import ssl
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from logtail_tui import __version__
from logtail_tui.core.errors import UsageError
from logtail_tui.core.settings import Settings

USER_AGENT = f"logtail/{__version__}"


def request_headers(settings: Settings) -> dict[str, str]:
    """Headers for every request or handshake: ``-H`` values, then the bearer token.

    A user-given ``Authorization`` header wins over ``--token``; with ``--token-param``
    the token goes into the URL (`apply_token_param`) and not into a header.

    Args:
        settings: The run's settings.

    Returns:
        Header names to values, in the order they were given.
    """
    headers: dict[str, str] = {"User-Agent": USER_AGENT}
    for name, value in settings.headers:
        headers[name] = value
    has_auth = any(name.lower() == "authorization" for name in headers)
    if settings.token and not settings.token_param and not has_auth:
        headers["Authorization"] = f"Bearer {settings.token}"
    return headers


def apply_token_param(url: str, settings: Settings) -> str:
    """``url`` with ``--token`` set as the ``--token-param`` query parameter, if asked for.

    An existing parameter of that name is replaced; other parameters keep their order.
    The result holds the secret: never display it.
    """
    if not (settings.token and settings.token_param):
        return url
    return set_query_param(url, settings.token_param, settings.token)


def set_query_param(url: str, name: str, value: str) -> str:
    """``url`` with query parameter ``name`` set to ``value`` (replacing any previous one)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def ssl_context(settings: Settings) -> ssl.SSLContext | bool:
    """The TLS configuration asked for by ``--insecure`` / ``--cacert``.

    Returns:
        ``True`` for the library's default verification (httpx: ``verify=True``;
        websockets: pass ``None`` for ``wss://``), or an `ssl.SSLContext`. ``--insecure``
        gives a context that checks nothing rather than ``False``, so it suits
        websockets as well as httpx.

    Raises:
        UsageError: when the ``--cacert`` file cannot be read as certificates.
    """
    if settings.insecure:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if settings.cacert:
        try:
            return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.cacert)
        except (OSError, ssl.SSLError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise UsageError(
                f"Cannot use --cacert {settings.cacert} ({reason}); give a readable PEM file."
            ) from None
    return True
