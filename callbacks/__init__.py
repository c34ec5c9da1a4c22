"""Callbacks: thin functions over :mod:`atlas`; registered in one place."""

from __future__ import annotations


def register_callbacks() -> None:
    """Import the callback modules; their ``@dash.callback`` decorators register them."""
    from callbacks import (  # noqa: F401
        analysis,
        coverage,
        exports,
        formulas,
        owndata,
        ownlevels,
        presentation,
        selection,
        tabs,
        views,
    )
