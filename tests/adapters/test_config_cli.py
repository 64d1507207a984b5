"""The config file end to end: ``logtail @NAME`` in a subprocess, HOME and XDG dirs in tmp_path.

Named sources against a real file and the real SSE server (tests/servers.py) with a token
from the environment or a command: the token is sent, never shown. Errors are one sentence
with the file, line and key, exit status 2. Precedence is checked in-process (`cli.parse`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from servers import LiveServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from support import run_cli

from logtail_tui.cli import parse
from logtail_tui.core.errors import UsageError
from logtail_tui.core.record import Level

TOKEN = "tok-Sekr3t-4242"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh HOME with XDG dirs under tmp_path, for subprocesses and for this process."""
    env = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "LOGTAIL_CONFIG": "",
        "LOGTAIL_TOKEN": "",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def write_config(env: dict[str, str], text: str) -> Path:
    path = Path(env["XDG_CONFIG_HOME"]) / "logtail" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def app_log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    path.write_text("".join(f"2026-01-01T00:00:0{i} {lvl} line {i}\n" for i, lvl in
                            enumerate(["INFO", "WARN", "ERROR", "DEBUG"])))  # fmt: skip
    return path


def test_named_source_and_profile_follow_a_real_file(home: dict[str, str], app_log: Path) -> None:
    write_config(
        home,
        f"""
no-follow = true
[sources.app]
target = "{app_log}"
label = "app"
[profiles.oncall]
sources = ["app", "demo:"]
level = "error"
plain = true
""",
    )
    alone = run_cli("--plain", "@app", env=home)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout == app_log.read_text()
    # The profile brings its sources (a name and a target) and its options; demo: ends by -o.
    both = run_cli("@oncall", "-o", "count=5", "-o", "seed=3", env=home)
    assert both.returncode == 0, both.stderr
    lines = both.stdout.splitlines()
    assert "[app] 2026-01-01T00:00:02 ERROR line 2" in lines
    assert not any("WARN line 1" in line for line in lines)  # level = "error"
    assert all(line.startswith(("[app] ", "[demo:")) for line in lines)


def test_precedence_cli_over_profile_over_top_level_over_default(home: dict[str, str]) -> None:
    write_config(
        home,
        """
lines = 5
level = "info"
timeout = 3
[profiles.p]
sources = ["demo:"]
lines = 7
level = "warn"
""",
    )
    plain = parse(["demo:"])
    assert plain is not None
    assert plain.settings.lines == 5 and plain.settings.level is Level.INFO
    assert plain.settings.timeout == 3.0 and plain.settings.max_lines == 1_000_000  # built in
    profiled = parse(["@p"])
    assert profiled is not None
    assert profiled.settings.lines == 7 and profiled.settings.level is Level.WARNING
    assert profiled.settings.timeout == 3.0
    typed = parse(["-n", "9", "@p", "--timeout", "1.5"])
    assert typed is not None
    assert typed.settings.lines == 9 and typed.settings.level is Level.WARNING
    assert typed.settings.timeout == 1.5
    assert [spec.scheme for spec in typed.specs] == ["demo"]


def test_list_option_from_config_is_replaced_not_extended_by_the_flag(home: dict[str, str]) -> None:
    write_config(home, 'include = ["api"]\n')
    from_file = parse(["demo:"])
    assert from_file is not None and from_file.settings.include == ("api",)
    typed = parse(["-i", "db", "demo:"])
    assert typed is not None and typed.settings.include == ("db",)


def sse_app(seen: list[str | None]) -> Starlette:
    async def stream(request: Request) -> Response:
        auth = request.headers.get("authorization")
        seen.append(auth)
        if auth != f"Bearer {TOKEN}":
            return Response(b"no", status_code=401)

        async def body():  # type: ignore[no-untyped-def]
            yield b"data: hello from the api\n\n"
            # A careless server echoes the credential: it must still never be shown.
            yield f"data: you sent {auth} and X-Team={request.headers.get('x-team')}\n\n".encode()

        return StreamingResponse(body(), media_type="text/event-stream")

    return Starlette(routes=[Route("/logs", stream)])


@pytest.mark.parametrize("how", ["env", "command"])
def test_token_from_env_or_command_is_sent_and_never_shown(
    home: dict[str, str], tmp_path: Path, how: str
) -> None:
    seen: list[str | None] = []
    with LiveServer(sse_app(seen)) as server:
        if how == "env":
            token = 'token_env = "PROD_LOG_TOKEN"'
            env = {**home, "PROD_LOG_TOKEN": TOKEN}
        else:
            script = tmp_path / "print_token.py"
            script.write_text(f"print({TOKEN!r})\nprint('a note after the secret')\n")
            token = f"token_command = [{sys.executable!r}, {str(script)!r}]"
            env = home
        config = write_config(
            home,
            f"""
[sources.api]
target = "{server.url("/logs")}"
headers = {{ "X-Team" = "core" }}
{token}
""",
        )
        result = run_cli("--plain", "--no-follow", "@api", env=env)
        listing = run_cli("--list-sources", env=env)
    assert seen == [f"Bearer {TOKEN}"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["hello from the api", "you sent Bearer *** and X-Team=core"]
    assert "@api" in listing.stdout and str(config) in listing.stdout
    for text in (result.stdout, result.stderr, listing.stdout, listing.stderr, config.read_text()):
        assert TOKEN not in text


def test_a_run_wide_token_does_not_replace_a_named_sources_own(home: dict[str, str]) -> None:
    seen: list[str | None] = []
    with LiveServer(sse_app(seen)) as server:
        write_config(home, f'[sources.api]\ntarget = "{server.url("/logs")}"\ntoken_env = "T"\n')
        env = {**home, "T": TOKEN, "LOGTAIL_TOKEN": "other-token"}
        result = run_cli("--plain", "--no-follow", "@api", env=env)
    assert result.returncode == 0, result.stderr
    assert seen == [f"Bearer {TOKEN}"]


@pytest.mark.parametrize(
    ("source", "env", "message"),
    [
        (
            'token_env = "NOT_SET_HERE"',
            {},
            "Source @api takes its token from $NOT_SET_HERE, which is not set; export it or "
            "change token_env in {config}.",
        ),
        (
            f"token_command = [{sys.executable!r}, '-c', 'import sys; sys.exit(3)']",
            {},
            f"Source @api: the token command {sys.executable!r} exited with status 3; "
            "run it yourself to see why.",
        ),
        (
            "token_command = 'no-such-program-here --flag'",
            {},
            "Source @api: the token command 'no-such-program-here' was not found; "
            "fix token_command in {config}.",
        ),
        (
            f"token_command = [{sys.executable!r}, '-c', 'print()']",
            {},
            f"Source @api: the token command {sys.executable!r} printed no token; "
            "fix token_command in {config}.",
        ),
    ],
)
def test_token_failures_are_one_sentence_naming_the_source(
    home: dict[str, str], source: str, env: dict[str, str], message: str
) -> None:
    config = write_config(home, f'[sources.api]\ntarget = "http://127.0.0.1:9/x"\n{source}\n')
    result = run_cli("--plain", "@api", env={**home, **env})
    assert result.returncode == 2
    assert result.stderr == f"logtail: {message.format(config=config)}\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("level = [\n", ["demo:"], "{config}: line 2: invalid value at the end of the file; fix the TOML syntax."),
        (
            "\ncolour = 'red'\n",
            ["demo:"],
            "{config}, line 2, key 'colour': unknown key (no option is called --colour); "
            "see 'logtail --help'.",
        ),
        (
            "lines = 'some'\n",
            ["demo:"],
            "{config}, line 1, key 'lines': --lines takes a number or 'all', not 'some'.",
        ),
        (
            "[profiles.p]\nsources = ['demo:']\nplain = 'yes'\n",
            ["demo:"],  # a profile not used this run is checked all the same
            "{config}, line 3, key 'profiles.p.plain': takes true or false, not 'yes'.",
        ),
        (
            "[sources.d]\ntarget = 'demo:'\nrat = 5\n",
            ["@d"],
            "{config}, line 3, key 'sources.d.rat': unknown key; a source takes target, label, "
            "headers, token_env, token_command, token_param and the options of its demo adapter "
            "(rate, count, seed).",
        ),
        (
            "[sources.d]\ntarget = 'demo:'\nrate = 'fast'\n",
            ["@d"],
            "{config}, line 3, key 'sources.d.rate': takes a whole number, not 'fast'.",
        ),
        (
            "[sources.d]\ntarget = 'demo:'\n",
            ["@e"],
            "No source or profile is named @e in {config} (known: @d).",
        ),
        (
            "[profiles.p]\nsources = ['@gone']\n",
            ["@p"],
            "{config}, line 2, key 'profiles.p.sources': no source is named '@gone'; add "
            "[sources.gone] or fix the name.",
        ),
        ("token = 'abcd'\n", ["demo:"], "{config}, line 1, key 'token': unknown key (logtail keeps"),
    ],
)
def test_config_errors_are_one_sentence_with_file_line_and_key(
    home: dict[str, str], text: str, args: list[str], message: str
) -> None:
    config = write_config(home, text)
    result = run_cli("--plain", *args, env=home)
    assert result.returncode == 2
    assert result.stderr.startswith(f"logtail: {message.format(config=config)}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_config_path_from_flag_and_env_and_missing_ones(home: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text("[sources.d]\ntarget = 'demo:'\ncount = 2\n")
    by_flag = run_cli("--config", str(other), "--plain", "@d", env=home)
    by_env = run_cli("--plain", "@d", env={**home, "LOGTAIL_CONFIG": str(other)})
    for result in (by_flag, by_env):
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 2
    missing = run_cli("--config", str(tmp_path / "nope.toml"), "demo:", env=home)
    assert missing.returncode == 2
    assert missing.stderr == (
        f"logtail: The config file {tmp_path / 'nope.toml'} does not exist; create it or fix "
        "--config / $LOGTAIL_CONFIG.\n"
    )
    # No config at the default place: plain arguments work, @names say where it was looked for.
    assert run_cli("--plain", "-o", "count=1", "demo:", env=home).returncode == 0
    none = run_cli("--plain", "@d", env=home)
    assert none.returncode == 2 and "there is none at" in none.stderr
    # A search for "@x" is a value, not a name.
    invocation = parse(["-s", "@x", "demo:"])
    assert invocation is not None and invocation.settings.search == "@x"


def test_an_unsearchable_home_means_no_default_config(
    home: dict[str, str], app_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sudo -u someone`` keeps HOME: the default config cannot even be looked for (as root
    here nothing is unsearchable, so ``Path.exists`` raises as it would for that user)."""
    real = Path.exists

    def exists(self: Path) -> bool:
        if self.name == "config.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "exists", exists)
    invocation = parse(["--plain", "-l", "warn", str(app_log)])
    assert invocation is not None and invocation.settings.level is Level.WARNING


def test_list_sources_names_config_sources_without_secrets(home: dict[str, str]) -> None:
    config = write_config(
        home,
        """
[sources.api]
target = "https://user:hunter22@api.example/logs?access_token=qwerty123&x=1"
token_command = "pass show prod/logs"
[sources.d]
target = "demo:"
rate = 5
[profiles.both]
sources = ["api", "d", "/var/log/syslog"]
level = "warn"
""",
    )
    out = run_cli("--list-sources", env=home).stdout
    tail = out[out.index("Named sources and profiles") :].splitlines()
    assert tail == [
        f"Named sources and profiles ({config}):",
        "  @api            https://***@api.example/logs?access_token=***&x=1  (token from pass)",
        "  @d              demo:  (rate=5)",
        "  @both           profile: @api, @d, /var/log/syslog; level=warn",
    ]
    assert "hunter22" not in out and "qwerty123" not in out


def test_installed_entry_point_reads_the_config(home: dict[str, str], app_log: Path) -> None:
    """The console script (not just ``python -m``) goes through the same path."""
    write_config(home, f'[sources.app]\ntarget = "{app_log}"\n')
    exe = Path(sys.executable).with_name("logtail")
    result = subprocess.run(
        [str(exe), "--plain", "--no-follow", "@app"],
        capture_output=True, text=True, timeout=60, env={**__import__("os").environ, **home},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == app_log.read_text()


def test_parse_reports_config_usage_errors_as_usage_errors(home: dict[str, str]) -> None:
    write_config(home, "retries = 'many'\n")
    with pytest.raises(UsageError, match=r"line 1, key 'retries': Invalid value for '--retries'"):
        parse(["demo:"])


def test_a_typed_option_beats_the_sources_own_and_unknown_ones_still_fail(
    home: dict[str, str],
) -> None:
    write_config(home, "[sources.d]\ntarget = 'demo:'\ncount = 3\nseed = 1\n")
    own = run_cli("--plain", "@d", env=home)
    typed = run_cli("--plain", "@d", "-o", "count=2", env=home)
    assert own.returncode == 0 and typed.returncode == 0, own.stderr + typed.stderr
    assert len(own.stdout.splitlines()) == 3 and len(typed.stdout.splitlines()) == 2
    unknown = run_cli("--plain", "@d", "-o", "speed=2", env=home)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("logtail: -o speed: none of the sources given takes that option")
