"""The one exception type for user-facing mistakes: the CLI prints it as one line."""


class RagError(Exception):
    """A problem the user can fix (bad path, wrong model for a store, dead server...)."""
