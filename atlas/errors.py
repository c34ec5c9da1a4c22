"""Errors the atlas shows to users: German, naming file, row and what to do."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class AtlasError(Exception):
    """Base class of all errors with a user-facing German message."""


class SourceError(AtlasError):
    """A source file is missing or malformed.

    Parameters
    ----------
    path
        The file concerned.
    problem
        What is wrong, in German.
    row
        1-based line number in the file (header = line 1), if known.
    column
        Column name, if known.
    hint
        What the user can do about it.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        row: int | None = None,
        column: str | None = None,
        hint: str = "",
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.row = row
        self.column = column
        self.hint = hint
        where = f"Datei {self.path.name}"
        if row is not None:
            where += f", Zeile {row}"
        if column:
            where += f", Spalte „{column}“"
        message = f"{where}: {problem}"
        if hint:
            message += f" – {hint}"
        super().__init__(message)


class SourcesNotFound(AtlasError):
    """No sources folder could be found."""


class UnknownIndicator(AtlasError, KeyError):
    """An indicator id that is not in the catalogue (``indicator_id``), e.g. own data deleted
    while a page still shows them."""

    def __init__(self, message: str, indicator_id: str = "") -> None:
        super().__init__(message)
        self.indicator_id = indicator_id

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


#: Exit status of an ``atlas`` command that an AtlasError stops.
EXIT_ERROR = 2
#: Exit status of the app's start (``app.py``) that an AtlasError stops: gunicorn's "worker failed
#: to boot", so that gunicorn stops (also without ``preload_app``) instead of restarting workers
#: that cannot start.
EXIT_START_ERROR = 3


def report_error(exc: AtlasError, *notes: str) -> int:
    """Print the German message of ``exc`` (and ``notes``, e.g. "Es wurde nichts gespeichert.")
    to stderr, one line each, and return :data:`EXIT_ERROR`."""
    print("\n".join([f"Fehler: {exc}", *notes]), file=sys.stderr, flush=True)
    return EXIT_ERROR


@contextmanager
def exit_on_error(*notes: str, status: int = EXIT_ERROR) -> Iterator[None]:
    """Exit with ``status`` after :func:`report_error` when an :class:`AtlasError` stops the
    block: the one place where the app's start (``atlas serve``, ``gunicorn app:server``) reports
    what stops it – its German message, never a traceback."""
    try:
        yield
    except AtlasError as exc:
        report_error(exc, *notes)
        raise SystemExit(status) from None
