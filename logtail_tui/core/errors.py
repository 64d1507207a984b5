"""One root error whose message is a sentence the user can act on.

LogtailError                 -- anything logtail reports to the user (one sentence, no traceback)
 ├── UsageError              -- bad command line or option value (exit status 2)
 └── SourceError             -- a source failed for good (exit status 1)
      ├── SourceNotFound     -- missing file, 404, unknown task
      ├── AccessDenied       -- 401, 403, permission denied, close 1008
      └── ProtocolFailure    -- the peer spoke something we cannot follow
"""

from __future__ import annotations


class LogtailError(Exception):
    """Base of every user-facing error; ``str(error)`` is the sentence to show."""


class UsageError(LogtailError):
    """The command line asks for something impossible."""


class SourceError(LogtailError):
    """A source stopped and will not recover by retrying."""


class SourceNotFound(SourceError):
    """The thing to follow does not exist."""


class AccessDenied(SourceError):
    """The server or the OS refused us."""


class ProtocolFailure(SourceError):
    """The peer sent something that cannot be followed."""
