"""Errors the atlas shows to users: German, naming file, row and what to do."""

from __future__ import annotations

from pathlib import Path


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
