"""The one exception type for user-facing mistakes: the CLI prints it as one line."""


class RagError(Exception):
    """A problem the user can fix (bad path, wrong model for a store, dead server...)."""


class SkipFile(Exception):
    """This file cannot be ingested; the message is the one-line reason shown to the user."""
