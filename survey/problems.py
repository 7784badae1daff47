"""The base of the errors that mean "fix the setup or the input", which the command line shows as one line.

It sits at the very bottom of the layers (it imports nothing), so any module of any package can raise one
and ``survey.cli_support`` can catch them all without importing the packages above it.
"""

from __future__ import annotations


class SetupProblem(Exception):
    """A problem a person fixes (a setting, a file, a name), shown without a traceback."""
