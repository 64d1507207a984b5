"""Time plain mode over a 1M-line Java service log with stack traces (whole records).

Writes the log to a temporary directory, then runs the real command line a few times for
each filter and prints the best CPU time of the child (user + system: the machine is shared,
so wall-clock time says more about the neighbours). Compare checkouts by running it with
``PYTHONPATH=/path/to/other/checkout``.

    python scripts/bench_plain_records.py [--records 800000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

COMMAND = [sys.executable, "-m", "logtail_tui", "--plain", "--no-follow", "-n", "all"]


def java_log(records: int) -> str:
    """Every 10th record is an error with a three-line stack trace (~1.25 lines a record)."""
    out = []
    for k in range(records):
        stamp = f"2026-12-01 02:{k // 60000 % 60:02d}:{k // 1000 % 60:02d},{k % 1000:03d}"
        if k % 10 == 8:
            out.append(f"{stamp} ERROR [main] OrderService - order {k} failed")
            out.append(f"java.lang.NullPointerException: customer {k} is null")
            out.append("    at com.shop.OrderService.place(OrderService.java:42)")
            out.append("    at com.shop.Main.main(Main.java:10)")
        else:
            out.append(f"{stamp} INFO  [main] OrderService - order {k} placed user={k % 977}")
    return "\n".join(out) + "\n"


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=800_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "java.log"
        path.write_text(java_log(args.records))
        lines = path.read_bytes().count(b"\n")
        size = path.stat().st_size / 1e6
        print(f"{lines:,} lines, {size:.0f} MB; best of {args.repeat}, CPU seconds")
        for label, extra in {
            "no filter": [],
            "-i 'order 8\\b'": ["-i", r"order 8\b"],
            "-i NullPointer": ["-i", "NullPointer"],
            "-e NullPointer": ["-e", "NullPointer"],
            "-l error": ["-l", "error"],
        }.items():
            best = float("inf")
            out = b""
            for _ in range(args.repeat):
                t0 = _child_cpu()
                done = subprocess.run(
                    [*COMMAND, *extra, str(path)],
                    capture_output=True,
                    check=True,
                )
                best = min(best, _child_cpu() - t0)
                out = done.stdout
            count = out.count(b"\n")
            print(f"  {label:<22} {best:6.2f} s  {count:>9,} lines out")


if __name__ == "__main__":
    main()
