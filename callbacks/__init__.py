"""Callbacks: thin functions over :mod:`atlas`; registered in one place."""

from __future__ import annotations


def register_callbacks() -> None:
    """Import the callback modules; their ``@dash.callback`` decorators register them."""
    from callbacks import analysis, exports, owndata, presentation, selection, views  # noqa: F401
