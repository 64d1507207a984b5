"""Adapter options (-o), labels and redaction for every scheme, the status/close table."""

from __future__ import annotations

import pytest

from logtail_tui.core.errors import (
    AccessDenied,
    ProtocolFailure,
    SourceError,
    SourceNotFound,
    UsageError,
)
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import Option, Source
from logtail_tui.sources.options import split_pairs, typed
from logtail_tui.sources.reconnect import End, close_code, http_status
from logtail_tui.sources.redact import redact, url_secrets

DECLARED = (
    Option("rate", int, 12, "lines a second", minimum=1),
    Option("ratio", float, 0.5),
    Option("shout", bool, False),
    Option("name", str, None),
)


def test_options_are_typed_with_defaults() -> None:
    pairs = split_pairs(["rate=50", "ratio=0.25", "shout=yes", "name=a=b"])
    assert dict(typed("demo", DECLARED, pairs)) == {
        "rate": 50,
        "ratio": 0.25,
        "shout": True,
        "name": "a=b",
    }
    assert dict(typed("demo", DECLARED, ())) == {
        "rate": 12,
        "ratio": 0.5,
        "shout": False,
        "name": None,
    }


def test_scheme_prefix_targets_one_adapter() -> None:
    pairs = split_pairs(["demo.rate=5", "other.rate=7"])
    used: set[int] = set()
    assert typed("demo", DECLARED, pairs, used)["rate"] == 5
    assert used == {0}


@pytest.mark.parametrize(
    ("arg", "words"),
    [
        ("rate=x", "-o rate takes a whole number, not 'x'."),
        ("rate=0", "-o rate takes at least 1, not '0'."),
        ("ratio=lots", "-o ratio takes a number"),
        ("shout=maybe", "-o shout takes true or false"),
        ("demo.nope=1", "the demo adapter has no such option (it takes rate, ratio, shout, name)"),
    ],
)
def test_bad_values_are_one_sentence(arg: str, words: str) -> None:
    with pytest.raises(UsageError) as info:
        typed("demo", DECLARED, split_pairs([arg]))
    assert words in str(info.value)
    assert str(info.value).count(". ") == 0 and str(info.value).endswith(".")


def test_option_without_value_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="NAME=VALUE"):
        split_pairs(["rate"])


def test_resolve_all_rejects_an_option_no_source_takes() -> None:
    settings = Settings(options=(("bogus", "1"),))
    with pytest.raises(UsageError, match="none of the sources given takes that option"):
        registry.resolve_all(["demo:"], settings)
    specs = registry.resolve_all(["demo:"], Settings(options=(("count", "3"),)))
    assert specs[0].options["count"] == 3


@pytest.mark.parametrize(
    "text",
    [
        "kafka://user:hunter2@broker:9092/topic",
        "redis://:hunter2@cache:6379/app-logs",
        "nats://me:hunter2@n1:4222/logs.>",
        "loki://host/?query=x&password=hunter2",
        "x+y://host/path?api_key=hunter2&from=0",
        "https://u:hunter2@host/logs?access_token=hunter2",
    ],
)
def test_redact_hides_userinfo_and_secret_query_values_for_every_scheme(text: str) -> None:
    shown = redact(text)
    assert "hunter2" not in shown
    assert shown.split("://")[0] == text.split("://")[0]  # the scheme stays readable
    assert "hunter2" in url_secrets(text)


def test_default_label_of_an_unknown_scheme_adapter_hides_the_password() -> None:
    class Kafka(Source):
        async def events(self):  # pragma: no cover - never run
            yield

    label = Kafka.describe_target("kafka", "//user:hunter2@broker:9092/topic", Settings())
    assert label == "kafka://***@broker:9092/topic"
    settings = Settings(token="tok-123456", token_param="t")
    label = Kafka.describe_target("kafka", "//b/x?t=tok-123456&sig=abc", settings)
    assert "tok-123456" not in label and "abc" not in label


def test_builtin_labels() -> None:
    s = Settings(token="s3cr3t-token", token_param="tk")
    assert registry.resolve("https://h/x?tk=s3cr3t-token", s).label == "https://h/x?tk=***"
    assert registry.resolve("sse+http://a:b@h/x", s).label == "http://***@h/x"
    assert registry.resolve("file:///var/log/x.log", s).label == "/var/log/x.log"
    assert registry.resolve("cmd:echo s3cr3t-token", s).label == "cmd:echo ***"
    assert registry.resolve("demo:", s).label == "demo:"


# -- the one table from status and close codes to sentences --------------------------------


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        (401, AccessDenied, "401 (not authenticated)"),
        (403, AccessDenied, "403 (not allowed)"),
        (404, SourceNotFound, "404 (not found)"),
        (410, SourceNotFound, "410 Gone"),
        (400, SourceError, "400 Bad Request"),
        (304, ProtocolFailure, "304 Not Modified"),
    ],
)
def test_permanent_statuses(code: int, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as info:
        http_status(code, "https://h/x", token_given=False)
    assert words in str(info.value) and "https://h/x" in str(info.value)


@pytest.mark.parametrize("code", [408, 425, 429, 500, 502, 503, 599])
def test_retried_statuses(code: int) -> None:
    ending = http_status(code, "h", token_given=False, wait=lambda: 7.0)
    assert ending.end is End.DROPPED and ending.wait_at_least == 7.0
    assert ending.reason.startswith(str(code))


def test_close_1008_uses_the_servers_reason_or_a_generic_sentence() -> None:
    with pytest.raises(AccessDenied) as info:
        close_code(1008, "", "ws://h/x")
    text = str(info.value)
    assert "does not exist" not in text and "task" not in text
    assert "1008 (policy violation)" in text
    with pytest.raises(AccessDenied, match=r"1008 \(rate plan exceeded\)"):
        close_code(1008, "rate plan exceeded", "ws://h/x")


@pytest.mark.parametrize(
    ("code", "end"), [(1000, End.DONE), (1001, End.CLEAN), (1006, End.DROPPED), (1011, End.DROPPED),
                      (1012, End.DROPPED), (4000, End.DROPPED), (4408, End.DROPPED), (4429, End.DROPPED)],
)  # fmt: skip
def test_close_codes_that_end_or_retry(code: int, end: End) -> None:
    assert close_code(code, "why", "ws://h").end is end


@pytest.mark.parametrize(
    ("code", "error"),
    [(1002, ProtocolFailure), (1003, ProtocolFailure), (1007, ProtocolFailure),
     (3000, AccessDenied), (4001, AccessDenied), (4403, AccessDenied),
     (4004, SourceNotFound), (4404, SourceNotFound), (4400, SourceError), (4499, SourceError)],
)  # fmt: skip
def test_close_codes_that_fail_for_good(code: int, error: type[Exception]) -> None:
    with pytest.raises(error, match=str(code)):
        close_code(code, "", "ws://h")


def test_implied_schemes_load_what_their_entry_points_name() -> None:
    # A path or "-" skips reading the entry points at start; the classes must be the same.
    installed = registry._entry_points()
    for scheme, target in registry.IMPLIED.items():
        assert installed[scheme].value == target
        assert registry.load(scheme) is installed[scheme].load()
