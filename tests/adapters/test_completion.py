"""Shell completion: the scripts typer generates, and real completion requests.

bash runs its real completion function in a subprocess, with the COMP_ variables bash sets;
zsh and fish (not installed here) are asked exactly as their scripts ask: the same
environment variables on a ``logtail`` call.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import run_cli

BIN = str(Path(sys.executable).parent)
"""Where the venv's ``logtail`` console script is: the scripts call it by name."""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """HOME and XDG dirs in tmp_path, a config with one source and one profile, PATH to logtail."""
    config = tmp_path / "config" / "logtail" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[sources.prod-api]\ntarget = "https://api.example/logs"\n'
        '[profiles.oncall]\nsources = ["prod-api", "demo:"]\n'
    )
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "app.log").write_text("x\n")
    (tmp_path / "work" / "archive").mkdir()
    return {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LOGTAIL_CONFIG": "",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_each_shells_script(shell: str) -> None:
    result = run_cli("--show-completion", shell)
    assert result.returncode == 0, result.stderr
    assert f"_LOGTAIL_COMPLETE=complete_{shell}" in result.stdout
    assert "logtail" in result.stdout.split(f"complete_{shell}", 1)[1]  # calls logtail back


def test_unknown_shell_is_one_sentence() -> None:
    result = run_cli("--show-completion", "tcsh")
    assert result.returncode == 2
    assert result.stderr == "logtail: Completion is available for bash, zsh, fish, not 'tcsh'.\n"


def bash_complete(env: dict[str, str], *words: str) -> list[str]:
    """COMPREPLY of the real bash completion function for ``words`` (the last one incomplete)."""
    script = (
        "source <(logtail --show-completion bash)\n"
        'COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n'
        "_logtail_completion logtail\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script, "bash", *words],
        capture_output=True, text=True, timeout=60, env=env,
        cwd=Path(env["HOME"]) / "work",
    )  # fmt: skip
    assert result.returncode == 0 and not result.stderr, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_options_schemes_names_and_paths(env: dict[str, str]) -> None:
    assert bash_complete(env, "logtail", "--le") == ["--level"]
    assert "--show-completion" in bash_complete(env, "logtail", "--")
    assert bash_complete(env, "logtail", "de") == ["demo:"]
    assert {"ws:", "wss:"} <= set(bash_complete(env, "logtail", "w"))
    assert bash_complete(env, "logtail", "@") == ["@prod-api", "@oncall"]
    assert bash_complete(env, "logtail", "-l", "warn", "@o") == ["@oncall"]
    assert bash_complete(env, "logtail", "ap") == ["app.log"]
    assert bash_complete(env, "logtail", "ar") == ["archive/"]
    # --config given on the line is the file names come from.
    other = Path(env["HOME"]) / "other.toml"
    other.write_text('[sources.elsewhere]\ntarget = "demo:"\n')
    assert bash_complete(env, "logtail", "--config", str(other), "@") == ["@elsewhere"]


def ask(env: dict[str, str], shell: str, line: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """What ``logtail`` answers the zsh or fish script for the command line ``line``."""
    return subprocess.run(
        ["logtail"],
        capture_output=True, text=True, timeout=60, cwd=Path(env["HOME"]) / "work",
        env={**env, "_LOGTAIL_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line, **extra},
    )  # fmt: skip


def test_zsh_and_fish_requests_get_names_schemes_and_options(env: dict[str, str]) -> None:
    zsh = ask(env, "zsh", "logtail @")
    assert zsh.returncode == 0, zsh.stderr
    assert '"@prod-api":"https\\\\://api.example/logs"' in zsh.stdout and '"@oncall"' in zsh.stdout
    assert '"--level"' in ask(env, "zsh", "logtail --le").stdout
    fish = ask(env, "fish", "logtail de", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert fish.stdout.splitlines() == ["demo:"]
    fish_names = ask(env, "fish", "logtail @", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert fish_names.stdout.splitlines() == ["@prod-api\thttps://api.example/logs", "@oncall\tprofile"]


def test_a_broken_config_completes_without_names_and_without_noise(env: dict[str, str]) -> None:
    Path(env["XDG_CONFIG_HOME"], "logtail", "config.toml").write_text("level = [\n")
    assert bash_complete(env, "logtail", "@") == []
    assert bash_complete(env, "logtail", "de") == ["demo:"]


def test_install_completion_writes_the_script_under_home(env: dict[str, str]) -> None:
    result = subprocess.run(
        ["logtail", "--install-completion", "bash"], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    script = Path(env["HOME"]) / ".bash_completions" / "logtail.sh"
    assert result.stdout == f"bash completion installed in {script}; it takes effect in a new shell.\n"
    assert "_LOGTAIL_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (Path(env["HOME"]) / ".bashrc").read_text()
