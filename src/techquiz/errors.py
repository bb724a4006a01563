"""The one root of every error a user is shown: `techquiz: <message>` (one line, or FILE:LINE:COL lines), exit 1.

Each layer raises its own subclass (ConfigError, StoreError, UserError, ...), and `cli.main` catches the root.
"""


class TechquizError(Exception):
    """An error whose message is written for the user."""


class UserError(TechquizError):
    """Something the user asked for cannot be done: an unknown deck, an unreadable file, an invalid deck."""
