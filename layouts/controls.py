"""Small building blocks of the forms, in one place: a group of radio buttons named by its
visible legend (fieldset/legend, so screen readers announce the group with each choice); a map
as a named figure with its link to its table, and the table's frame."""

from __future__ import annotations

from dash import dcc, html


def radio_group(legend: str, radios, small: bool = False) -> html.Fieldset:
    """Radio buttons (or checkboxes) as a group named by its visible ``legend``; ``small`` in
    the dense forms of „Eigene Daten“."""
    if small:
        return html.Fieldset([html.Legend(legend, className="form-label small fw-semibold mb-0"),
                              radios], className="mb-2")
    return html.Fieldset([html.Legend(legend, className="form-label fw-semibold fs-6 mb-2"),
                          radios], className="atlas-radio-group")


def slot(component, kind: str, className: str = "", height: int | None = None) -> html.Div:
    """The place of a component Dash draws only once its script has loaded (``dropdown``,
    ``slider``, ``graph``): it has the component's height from the start (``assets/atlas.css``
    or ``height`` in px), so nothing below moves when the component appears (no layout
    shift). Margins go on the place (``className``), not on the component."""
    return html.Div(component, className=f"async-slot async-slot-{kind} {className}".strip(),
                    style={"minHeight": f"{height}px"} if height else None)


def map_figure(graph, figure_id: str, label: str, table_region_id: str) -> list:
    """A map as a figure named by what it shows (``label``; ``assets/a11y.js`` names the main
    map by its view, the others are named by their callbacks), keyboard-focusable for the skip
    links, followed by its link „Zur Tabelle“ (the same values as text)."""
    return [html.Div(graph, id=figure_id, role="figure", tabIndex="-1",
                     className="atlas-map-figure", **{"aria-label": label}),
            html.A("Zur Tabelle", href=f"#{table_region_id}", className="atlas-to-table small")]


def table_region(summary: str, region_id: str, table_id: str, data_id: str,
                 data: dict | None = None) -> html.Details:
    """The frame of a map's table, open: ``summary`` names it; the browser builds the table in
    ``table_id`` from the texts in the store ``data_id`` (``assets/views.js`` ``valuesTable``;
    ``data``: the first view's)."""
    return html.Details([html.Summary(summary, className="fw-semibold"),
                         html.Div(id=table_id, className="mt-2"), dcc.Store(id=data_id, data=data)],
                        open=True, id=region_id, tabIndex="-1", className="mt-3 atlas-table")
