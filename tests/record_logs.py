"""Fixture logs with multi-line records (written for these tests, not copied from anywhere)."""

from __future__ import annotations

JAVA = """\
2026-12-01 02:31:38,101 INFO  [main] OrderService - order 7 placed
2026-12-01 02:31:38,202 ERROR [main] OrderService - order 8 failed
java.lang.NullPointerException: customer is null
\tat com.shop.OrderService.place(OrderService.java:42)
\tat com.shop.Main.main(Main.java:10)
Caused by: java.lang.IllegalStateException: no session
\t... 2 more
2026-12-01 02:31:38,303 INFO  [main] OrderService - order 9 placed
2026-12-01 02:31:39,404 WARN  [pool-1] Cache - slow lookup
2026-12-01 02:31:40,505 ERROR [pool-2] OrderService - order 10 failed
java.lang.IllegalArgumentException: bad quantity -1
\tat com.shop.OrderService.check(OrderService.java:77)
2026-12-01 02:31:41,606 INFO  [main] OrderService - order 11 placed
""".splitlines()
"""Records: 1 line, 6 lines (order 8), 1, 1, 3 lines (order 10), 1."""

PYTHON = """\
2026-12-01 02:35:16,123 INFO auth: login ok
2026-12-01 02:35:16,223 ERROR billing: charge failed
Traceback (most recent call last):
  File "/srv/app/billing/charge.py", line 10, in charge
    total = amount / count
ZeroDivisionError: division by zero
2026-12-01 02:35:17,000 INFO auth: logout
""".splitlines()

GO_PANIC = """\
2026/12/01 02:35:16 INFO starting worker pool
panic: runtime error: index out of range [5] with length 3

goroutine 1 [running]:
main.work(0xc000012345, 0x3)
\t/src/main.go:12 +0x65
created by main.main
\t/src/main.go:20 +0x3a

goroutine 6 [chan receive]:
main.wait()
\t/src/main.go:30 +0x20
exit status 2
""".splitlines()
"""A panic with its goroutine dump is one record; ``exit status 2`` starts the next."""

INDENTED = """\
2026-12-01T02:31:38Z WARN config: unknown keys
    colour
    verbose_mode
2026-12-01T02:31:39Z INFO config: loaded
""".splitlines()


def java_service(records: int) -> list[str]:
    """A Java service's log of ``records`` records; every 10th is an error with a trace."""
    out = []
    for k in range(records):
        stamp = f"2026-12-01 02:{k // 60 % 60:02d}:{k % 60:02d},{k % 1000:03d}"
        if k % 10 == 8:
            out += [
                f"{stamp} ERROR [main] OrderService - order {k} failed",
                f"java.lang.NullPointerException: customer {k} is null",
                "\tat com.shop.OrderService.place(OrderService.java:42)",
                "\tat com.shop.Main.main(Main.java:10)",
            ]
        else:
            out.append(f"{stamp} INFO  [main] OrderService - order {k} placed")
    return out
