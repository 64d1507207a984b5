"""Levels of the common log formats beyond ``DATE LEVEL message`` (own fixtures, typed here)."""

from __future__ import annotations

import pytest

from logtail_tui.core.levels import LevelDetector, text_level
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level

L = Level
ACCESS = '203.0.113.9 - {user} [01/Dec/2026:02:35:16 +0000] "{request}" {status} {size}'


def access(status: int, request: str = "GET /api/items HTTP/1.1", user: str = "-") -> str:
    return ACCESS.format(user=user, request=request, status=status, size=512) + ' "-" "curl/8.5"'


@pytest.mark.parametrize(
    ("status", "level"),
    [(200, L.INFO), (304, L.INFO), (101, L.INFO), (404, L.WARNING), (429, L.WARNING),
     (500, L.ERROR), (503, L.ERROR)],
)  # fmt: skip
def test_access_log_level_comes_from_the_status_class(status: int, level: Level) -> None:
    assert text_level(access(status)) == level
    # common log format (no referrer / agent), a user name, a size of "-"
    common = ACCESS.format(user="alice", request="POST /login HTTP/1.0", status=status, size="-")
    assert text_level(common) == level


def test_access_log_request_words_do_not_decide_the_level() -> None:
    # servers escape quotes inside the request: nginx as \x22, Apache as \"
    assert text_level(access(200, r"GET /search?q=\x22ERROR\x22 HTTP/1.1")) == L.INFO
    assert text_level(access(200, r"GET /search?q=\"ERROR\" HTTP/1.1")) == L.INFO
    assert text_level(access(500, r"GET /a\"b HTTP/1.1")) == L.ERROR
    assert text_level(access(404, "-")) == L.WARNING  # a malformed request logged as "-"


def test_quoted_text_and_numbers_outside_access_logs_stay_levelless() -> None:
    assert text_level('he said "stop" 500 times') == L.NONE
    # the quoted request must follow an access log time ("... +0000] ")
    assert text_level('[worker-1] "GET / HTTP/1.1" 500 12') == L.NONE


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ('Exception in thread "main" java.lang.IllegalStateException: boom', L.ERROR),
        ("panic: runtime error: invalid memory address or nil pointer dereference", L.CRITICAL),
        ("fatal error: all goroutines are asleep - deadlock!", L.CRITICAL),
        ("[Tue Dec 01 02:35:16.123456 2026] [core:error] [pid 42:tid 7] AH00037: x", L.ERROR),
        ("[Tue Dec 01 02:35:16.123 2026] [mpm_event:notice] [pid 1] AH00489: resuming", L.NOTICE),
        ("[Tue Dec 01 02:35:16 2026] [ssl:warn] [pid 9] AH01909: no cert", L.WARNING),
        ("2026-12-01 02:35:16, Info                  CBS    Loaded servicing stack", L.INFO),
        ("2026-12-01 02:35:16, Warning               CBS    Unrecognized attribute", L.WARNING),
        ("2026-12-01 02:35:16, Error                 CSI    Hydration failed", L.ERROR),
        # BGL: label, epoch, date, node, time, node, type, component, then the level
        (
            "- 1764556516 2026.12.01 R01-M0-N2 2026-12-01-02.35.16.123456 R01-M0-N2 RAS KERNEL INFO "
            "cache parity error corrected",
            L.INFO,
        ),
        (
            "KERNDTLB 1764556516 2026.12.01 R01-M0-N2 2026-12-01-02.35.16.123456 R01-M0-N2 RAS "
            "KERNEL FATAL data TLB error interrupt",
            L.CRITICAL,
        ),
        (
            "- 1764556516 2026.12.01 R01-M0-N2 2026-12-01-02.35.16.123456 R01-M0-N2 RAS APP "
            "FAILURE ciod: failed to read",
            L.ERROR,
        ),
        (
            "- 1764556516 2026.12.01 R01-M0-N2 2026-12-01-02.35.16.123456 R01-M0-N2 RAS MMCS "
            "SEVERE link lost",
            L.ERROR,
        ),
        # forms that already worked stay right
        ("261201 023516 148 WARN dfs.DataNode: slow block", L.WARNING),
        ("26/12/01 02:35:16 ERROR executor.Executor: task 3 failed", L.ERROR),
        ("2026-12-01 02:35:16,123 - WARN  [main:Quorum@774] - time out", L.WARNING),
        ("app.log 2026-12-01 02:35:16.008 2931 INFO nova.api [req-1] GET", L.INFO),
    ],
)
def test_format_levels(line: str, level: Level) -> None:
    assert text_level(line) == level


def test_words_that_only_look_like_the_new_forms_are_not_levels() -> None:
    assert text_level("Exception in handler, retrying") == L.NONE
    assert text_level("fatal error count reset") == L.NONE
    assert text_level("2026-12-01 02:35:16, Information follows") == L.NONE
    assert text_level("Note, Error messages are listed below") == L.NONE  # no digit before ", "
    assert text_level("- 1764556516 2026.12.01 a b c d e INFORMATIONAL x") == L.NONE


def test_learnt_fast_path_keeps_bgl_and_cbs_right() -> None:
    bgl = "- 1764556516 2026.12.01 R1 2026-12-01-02.35.16.1 R1 RAS KERNEL {} msg"
    lines = [bgl.format(w) for w in ("INFO", "FATAL", "INFO", "WARNING")]
    detect = LevelDetector()
    assert detect(lines) == [L.INFO, L.CRITICAL, L.INFO, L.WARNING]
    assert detect(lines[::-1]) == [L.WARNING, L.INFO, L.CRITICAL, L.INFO]
    cbs = "2026-12-01 02:35:16, {:<22}CBS    x"
    lines = [cbs.format(w) for w in ("Info", "Warning", "Error")]
    assert detect(lines) == [L.INFO, L.WARNING, L.ERROR]


def test_access_levels_through_the_parser() -> None:
    batch = LineParser("auto").parse([access(200), access(404), access(502)])
    assert batch.levels == [L.INFO, L.WARNING, L.ERROR]
