"""The config file's shape: tables, keys, types, and the line every error names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from logtail_tui.config_file import line_of, parse
from logtail_tui.core.errors import UsageError

PATH = Path("/cfg/config.toml")

GOOD = """\
# defaults for every run
level = "info"
include = ["api", "db"]

[sources.prod-api]
target = "https://api.example/logs/stream"
headers = { "X-Team" = "core" }
token_env = "PROD_LOG_TOKEN"
label = "api"

[sources."two words"]
target = "demo:"
rate = 50
token_command = "pass show 'prod/logs token'"

[profiles.oncall]
sources = ["prod-api", "/var/log/app.log"]
level = "warn"
"""


def test_a_good_file_becomes_defaults_sources_and_profiles() -> None:
    config = parse(PATH, GOOD)
    assert config.defaults == {"level": "info", "include": ["api", "db"]}
    api = config.sources["prod-api"]
    assert api.target == "https://api.example/logs/stream" and api.label == "api"
    assert api.headers == (("X-Team", "core"),) and api.token_env == "PROD_LOG_TOKEN"
    assert api.options == {}
    demo = config.sources["two words"]
    assert demo.options == {"rate": 50}
    assert demo.token_command == ("pass", "show", "prod/logs token")  # split like a shell, run without one
    oncall = config.profiles["oncall"]
    assert oncall.sources == ("prod-api", "/var/log/app.log") and oncall.options == {"level": "warn"}


@pytest.mark.parametrize(
    ("keys", "line"),
    [
        (("level",), 2),
        (("include",), 3),
        (("sources", "prod-api"), 5),
        (("sources", "prod-api", "token_env"), 8),
        (("sources", "prod-api", "headers", "X-Team"), 7),
        (("sources", "two words", "rate"), 13),
        (("profiles", "oncall", "level"), 18),
        (("profiles", "oncall", "missing"), 16),  # the table's own line when the key is absent
    ],
)
def test_line_of_finds_tables_and_keys(keys: tuple[str, ...], line: int) -> None:
    assert line_of(GOOD, keys) == line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("level = \n", "config.toml: line 1: invalid value (column 9); fix the TOML syntax."),
        (
            "a = 1\n[colours]\nx = 1\n",
            "config.toml, line 2, key 'colours': unknown table; the config knows "
            "[sources.NAME] and [profiles.NAME].",
        ),
        ("[sources.x]\nlabel = 'x'\n", "line 1, key 'sources.x': names no target"),
        ("[sources.x]\ntarget = 5\n", "line 2, key 'sources.x.target': takes a string, not 5."),
        (
            "[sources.x]\ntarget = 'a'\nheaders = ['X: y']\n",
            "line 3, key 'sources.x.headers': takes a table like",
        ),
        (
            "[sources.x]\ntarget = 'a'\ntoken = 'abc123'\n",
            "line 3, key 'sources.x.token': logtail keeps no token in its config",
        ),
        (
            "[sources.x]\ntarget = 'a'\ntoken_env = 'A'\ntoken_command = 'b'\n",
            "line 4, key 'sources.x.token_command': give token_env or token_command, not both.",
        ),
        ("[sources.x]\ntarget = 'a'\ntoken_command = ''\n", "line 3, key 'sources.x.token_command': is empty"),
        ("[profiles.p]\nlevel = 'warn'\n", "line 1, key 'profiles.p': names no sources"),
        ("[profiles.p]\nsources = 'a'\n", "line 2, key 'profiles.p.sources': takes a list"),
        (
            "[sources.p]\ntarget = 'a'\n[profiles.p]\nsources = ['a']\n",
            "line 3, key 'profiles.p': a source is also named 'p'",
        ),
        ("sources = 1\n", "line 1, key 'sources': takes a table of [sources.NAME] tables, not 1."),
    ],
)
def test_shape_errors_name_file_line_and_key_in_one_sentence(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(PATH, text)
    said = str(caught.value)
    assert message in said
    assert said.startswith(str(PATH)) and said.endswith(".") and "\n" not in said
    assert not re.search(r"Traceback|tomllib", said)
