"""Command line (placeholder until the CLI lands)."""


def main() -> None:
    raise SystemExit("logtail: the command line is being built")
