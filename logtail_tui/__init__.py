"""logtail: follow logs from files, stdin, commands, HTTP streams and WebSockets."""

__version__ = "0.1.0"
