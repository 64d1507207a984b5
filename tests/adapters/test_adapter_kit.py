"""Contract v2 through the test kit: options, class-based iterators, secrets; and the
example third-party adapter installed from tests/example_adapter and run by `logtail`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logtail_tui.sources.contract import (
    Batch,
    LineParser,
    Option,
    Settings,
    Source,
    SourceError,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.testing import MemorySource, probe, spec_for

EXAMPLE = Path(__file__).resolve().parent.parent / "example_adapter"


async def test_the_contract_docstring_example_works_as_written() -> None:
    import logtail_tui.sources.contract as contract

    doc = contract.__doc__ or ""
    block = doc.split("A minimal adapter::", 1)[1].split("Register it", 1)[0]
    code = "\n".join(line[4:] for line in block.splitlines())
    scope: dict[str, object] = {}
    exec(compile(code, "contract-docstring", "exec"), scope)
    echo = scope["EchoSource"]
    got = await probe(echo, Settings(options=(("times", "2"),)), target="hi")  # type: ignore[arg-type]
    assert got.texts == ["hi", "hi"] and got.final is not None
    assert got.final.state is State.COMPLETED
    empty = await probe(echo, target="")  # type: ignore[arg-type]
    assert empty.final is not None and empty.final.state is State.FAILED
    assert empty.final.detail == "echo: needs a text; use echo:hello."


async def test_demo_options_are_typed_and_the_old_form_still_works() -> None:
    new = await probe("demo:", Settings(options=(("count", "40"), ("seed", "3"))))
    old = await probe("demo:count=40,seed=3", Settings())
    assert len(new.texts) >= 40 and new.final is not None
    assert new.final.state is State.COMPLETED and new.final.detail == f"{len(new.texts)} lines"
    assert len(old.texts) == len(new.texts)  # same seed, same lines (times aside)
    assert [r.level for r in old.records] == [r.level for r in new.records]


class Countdown(Source):
    """Events from a class-based async iterator without ``aclose``."""

    options = (Option("start", int, 3),)
    closed = 0

    def events(self) -> _Countdown:
        return _Countdown(self.opts["start"])

    async def aclose(self) -> None:
        Countdown.closed += 1


class _Countdown:
    def __init__(self, n: int) -> None:
        self.n = n

    def __aiter__(self) -> _Countdown:
        return self

    async def __anext__(self) -> SourceEvent:
        if self.n < 0:
            raise StopAsyncIteration
        self.n -= 1
        return _batch(self.n + 1)


def _batch(n: int) -> Batch:
    return LineParser().parse([str(n)])


async def test_a_class_based_iterator_without_aclose_runs_and_is_released() -> None:
    Countdown.closed = 0
    got = await probe(Countdown, Settings(options=(("start", "2"),)))
    assert got.texts == ["2", "1", "0"]
    assert got.final is not None and got.final.state is State.COMPLETED
    assert Countdown.closed == 1


class Leaky(Source):
    """Fails quoting its whole target, as a careless adapter might."""

    async def events(self):
        yield StateChanged(State.LIVE, f"connected to {self.spec.target}")
        yield _batch(0)
        raise SourceError(f"broker at {self.spec.target} refused us; check it.")


async def test_a_password_in_the_target_never_reaches_labels_states_or_errors() -> None:
    settings = Settings()
    spec = spec_for(Leaky, "//user:hunter2@broker:9092/topic", settings, scheme="kafka")
    assert spec.label == "kafka://***@broker:9092/topic"
    source = Leaky(spec, settings)
    got = await probe(source, settings)
    assert got.final is not None and got.final.state is State.FAILED
    shown = [spec.label] + [s.detail for s in got.states] + got.texts
    assert "broker" in got.final.detail
    assert not any("hunter2" in text for text in shown)


async def test_memory_source_feeds_the_hub() -> None:
    spec = SourceSpec("mem", "memory", "mem", "mem")
    feed = MemorySource.feed()
    source = MemorySource(spec, Settings(), feed)
    await feed.put(_batch(1))
    await feed.put(None)
    got = await probe(source)
    assert got.texts == ["1"] and got.final is not None


# -- the example third-party package -------------------------------------------------------


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    """tests/example_adapter installed with pip into a folder of its own."""
    site = tmp_path_factory.mktemp("site")
    work = tmp_path_factory.mktemp("build") / "example_adapter"
    # Built from a copy: setuptools writes build/ and *.egg-info next to the sources.
    shutil.copytree(EXAMPLE, work, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(site), str(work)],
        check=True, capture_output=True, timeout=120, cwd=work,
    )  # fmt: skip
    return str(site)


def logtail(site: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": site, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "logtail_tui", *args],
        capture_output=True, text=True, timeout=30, env=env,
    )  # fmt: skip


def test_example_adapter_is_discovered_and_lists_its_options(example_site: str) -> None:
    listing = logtail(example_site, "--list-sources")
    assert listing.returncode == 0
    line = next(x for x in listing.stdout.splitlines() if x.startswith("echo:"))
    assert "example third-party adapter" in line and "logtail_echo:EchoSource" in line
    assert "-o times=INT (default 3): how many lines" in listing.stdout


def test_example_adapter_runs_through_plain_mode_with_options(example_site: str) -> None:
    run = logtail(example_site, "--plain", "echo:hi there", "-o", "times=2", "-o", "echo.shout=on")
    assert (run.returncode, run.stdout, run.stderr) == (0, "HI THERE\nHI THERE\n", "")
    bad = logtail(example_site, "--plain", "echo:x", "-o", "times=many")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "logtail: -o times takes a whole number, not 'many'.\n"
    failed = logtail(example_site, "--plain", "echo:")
    assert failed.returncode == 1
    assert failed.stderr == "logtail: echo: needs a text to repeat; use echo:hello.\n"


def test_example_adapter_never_shows_a_password(example_site: str) -> None:
    run = logtail(
        example_site, "--plain", "echo://user:hunter2@broker:9092/topic", "demo:",
        "-o", "echo.times=1", "-o", "demo.count=1",
    )  # fmt: skip
    assert run.returncode == 0
    assert "[echo://***@broker:9092/topic]" in run.stdout
    assert "hunter2" not in run.stdout + run.stderr
