"""The user-facing error type shared by the commands."""


class UserError(Exception):
    """Printed as `techquiz: <message>` (one line, or FILE:LINE:COL lines), exit code 1."""
