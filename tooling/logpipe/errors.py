"""The one exception type the CLI turns into a clear message and exit code 2."""


class LogpipeError(Exception):
    """An input or environment problem, with a message that names the input and the fix."""
