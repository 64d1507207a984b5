"""``logtail --help`` ends with five examples, and each of them parses as written."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from support import run_cli

from logtail_tui.cli import parse


def test_help_ends_with_five_examples_that_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.oncall]\nsources = ["demo:"]\nlevel = "warn"\n')
    monkeypatch.setenv("LOGTAIL_CONFIG", str(config))
    monkeypatch.setenv("TOKEN", "t0ken-value")
    result = run_cli("--help", env={"COLUMNS": "80", "LOGTAIL_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    assert lines[-6].strip() == "Examples:"
    examples = [line.strip() for line in lines[-5:]]
    assert all(len(line) <= 80 for line in lines[-6:])
    for example in examples:
        command, _, what = example.partition("  ")
        assert what.strip(), example  # each says what it does
        argv = shlex.split(command.split("|")[-1])  # the pipe example: logtail's side
        assert argv[0] == "logtail"
        invocation = parse([arg.replace("$TOKEN", "t0ken-value") for arg in argv[1:]])
        assert invocation is not None and invocation.specs, example
