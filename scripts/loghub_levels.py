"""Level detection accuracy over the loghub 2k samples (16 real log formats).

Run: ``python scripts/loghub_levels.py [LOGHUB_DIR]`` (default ``../shared/loghub`` next to
the repository). Each ``X_2k.log`` is read the way the file source reads it (decoder, then
one parser over the whole file, so continuation lines inherit as they do live) and our
level of every line is compared with the ``Level`` column of ``X_2k.log_structured.csv``.

- A line is *labelled* when the truth names a level we know (``I``, ``notice``, ``SEVERE``
  ...); it is *right* when our level is exactly the truth's.
- A *false alarm* is warn-or-worse from us on a line the truth calls info or lower, or
  leaves unlabelled (several datasets have no level column at all; Linux's holds host
  names).

Also counts the lines whose time `parse_times` reads. Prints one row per dataset, the totals, and one JSON line with everything. Exits 0 with
a message when the directory is absent (the samples are not part of the repository).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level
from logtail_tui.core.times import parse_times

TRUTH: dict[str, Level] = {
    "v": Level.TRACE, "verbose": Level.TRACE, "trace": Level.TRACE,
    "d": Level.DEBUG, "debug": Level.DEBUG,
    "i": Level.INFO, "info": Level.INFO,
    "notice": Level.NOTICE,
    "w": Level.WARNING, "warn": Level.WARNING, "warning": Level.WARNING,
    "e": Level.ERROR, "error": Level.ERROR, "severe": Level.ERROR,
    "f": Level.CRITICAL, "fatal": Level.CRITICAL, "critical": Level.CRITICAL,
}  # fmt: skip
"""loghub's level names, lower-cased, in our levels; anything else is unlabelled."""


GOAL_OVERALL, GOAL_DATASET, GOAL_ALARMS = 0.99, 0.95, 282
"""What ``--check`` requires (282 false alarms: the figure before Windows CBS levels)."""


@dataclass
class Score:
    dataset: str
    lines: int = 0
    labelled: int = 0
    right: int = 0
    false_alarms: int = 0
    timed: int = 0
    """Lines `parse_times` found a time in."""

    @property
    def accuracy(self) -> float | None:
        return self.right / self.labelled if self.labelled else None


def our_levels(log: Path) -> list[int]:
    decoder = LineDecoder()
    lines = decoder.decode(log.read_bytes()) + decoder.flush()
    return LineParser("auto").parse(lines).levels


def truth_levels(csv_path: Path) -> list[Level | None]:
    with csv_path.open(newline="", encoding="utf-8", errors="replace") as fh:
        return [TRUTH.get((row.get("Level") or "").strip().lower()) for row in csv.DictReader(fh)]


def score(log: Path, csv_path: Path, mistakes: int = 0) -> Score:
    ours, truth = our_levels(log), truth_levels(csv_path)
    timed = sum(t is not None for t in parse_times(log.read_text(errors="replace").splitlines()))
    name = log.name.removesuffix("_2k.log")
    if len(ours) != len(truth):
        print(f"{name}: {len(ours)} lines but {len(truth)} truth rows; compared the first ones")
    s = Score(name, timed=timed)
    shown = 0
    texts = log.read_text(errors="replace").splitlines() if mistakes else []
    for i, (mine, real) in enumerate(zip(ours, truth, strict=False)):
        s.lines += 1
        if real is not None:
            s.labelled += 1
            s.right += mine == real
        if mine >= Level.WARNING and (real is None or real <= Level.NOTICE):
            s.false_alarms += 1
        wrong = (real is not None and mine != real) or (
            mine >= Level.WARNING and (real is None or real <= Level.NOTICE)
        )
        if wrong and shown < mistakes:
            shown += 1
            truth_name = real.name if real is not None else "-"
            print(f"  {name}:{i + 1} ours={Level(mine).name} truth={truth_name}: {texts[i][:140]}")
    return s


def main(argv: list[str] | None = None) -> int:
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "loghub"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", type=Path, default=default)
    ap.add_argument("--mistakes", type=int, default=0, help="print up to N wrong lines per dataset")
    ap.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 unless overall >= {GOAL_OVERALL:.0%}, every dataset >= "
        f"{GOAL_DATASET:.0%} and false alarms < {GOAL_ALARMS}",
    )
    args = ap.parse_args(argv)
    logs = sorted(args.directory.glob("*_2k.log")) if args.directory.is_dir() else []
    if not logs:
        print(f"No loghub samples in {args.directory}; nothing to measure.")
        return 0
    scores = []
    for log in logs:
        csv_path = log.with_name(log.name + "_structured.csv")
        if csv_path.exists():
            scores.append(score(log, csv_path, args.mistakes))
    print(
        f"{'dataset':<12} {'lines':>6} {'labelled':>9} {'accuracy':>9} {'false alarms':>13}"
        f" {'with time':>10}"
    )
    for s in scores:
        acc = f"{s.accuracy:9.2%}" if s.accuracy is not None else f"{'-':>9}"
        print(
            f"{s.dataset:<12} {s.lines:>6} {s.labelled:>9} {acc} {s.false_alarms:>13} {s.timed:>10}"
        )
    labelled = sum(s.labelled for s in scores)
    right = sum(s.right for s in scores)
    alarms = sum(s.false_alarms for s in scores)
    overall = right / labelled if labelled else 0.0
    worst = min((s for s in scores if s.labelled), key=lambda s: s.accuracy or 0.0, default=None)
    print(
        f"{'all':<12} {sum(s.lines for s in scores):>6} {labelled:>9} {overall:9.2%} {alarms:>13}"
    )
    summary = {
        "overall_accuracy": round(overall, 4),
        "labelled": labelled,
        "false_alarms": alarms,
        "worst": worst.dataset if worst else None,
        "datasets": [{**asdict(s), "accuracy": s.accuracy} for s in scores],
    }
    print(json.dumps(summary))
    if args.check:
        low = [s.dataset for s in scores if s.accuracy is not None and s.accuracy < GOAL_DATASET]
        if overall < GOAL_OVERALL or low or alarms >= GOAL_ALARMS:
            print(
                f"Below the goal: overall {overall:.2%}, datasets {low or 'ok'}, {alarms} alarms."
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
