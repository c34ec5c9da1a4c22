"""User-supplied text is text: one place that makes it literal for plotly.

plotly renders every text it is given (legend, hover, titles, annotations, axis titles, tick
labels; on screen and in the SVG/PNG/PDF exports) as pseudo-HTML: ``<a href>`` becomes a link,
``<b>`` bold, ``<br>`` a line break, ``&amp;`` an entity; a text wrapped in ``$…$`` is LaTeX, and
``%{…}`` in a hover template is a placeholder. An own indicator's title, unit, source or
definition is typed by a planner (or arrives in a file) and must show exactly as typed. On the
page, Dash components show strings as text already; only Markdown would interpret them, so no user
text goes through ``dcc.Markdown``.
"""

from __future__ import annotations

from dataclasses import replace

from atlas.catalogue import Indicator


def plotly_text(text: object) -> str:
    """``text`` as plotly shows it literally: ``&``, ``<``, ``>``, ``$`` as entities and a
    template placeholder ``%{`` defused (plotly turns the entities back into the characters)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("$", "&#36;").replace("%{", "&#37;{"))


def plotly_indicator(ind: Indicator) -> Indicator:
    """The indicator with every text a planner may have typed (title, short title, unit, unit
    label, definition) made literal for plotly (:func:`plotly_text`). For figure texts only: page
    components and export frames take the raw indicator."""
    return replace(ind, title=plotly_text(ind.title), short_title=plotly_text(ind.short_title),
                   unit=plotly_text(ind.unit), unit_label=plotly_text(ind.unit_label),
                   definition=plotly_text(ind.definition))


#: First characters that make spreadsheet programs read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(text: str) -> str:
    """A CSV text cell spreadsheet programs will not run as a formula: a leading ``=``, ``+``,
    ``-``, ``@``, tab or line break gets an apostrophe in front."""
    text = str(text)
    stripped = text.lstrip(" ")
    if stripped and stripped.startswith(FORMULA_START):
        return "'" + text
    return text
