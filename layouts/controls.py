"""Small building blocks of the forms, in one place: a group of radio buttons named by its
visible legend (fieldset/legend, so screen readers announce the group with each choice)."""

from __future__ import annotations

from dash import html


def radio_group(legend: str, radios, small: bool = False) -> html.Fieldset:
    """Radio buttons (or checkboxes) as a group named by its visible ``legend``; ``small`` in
    the dense forms of „Eigene Daten“."""
    if small:
        return html.Fieldset([html.Legend(legend, className="form-label small fw-semibold mb-0"),
                              radios], className="mb-2")
    return html.Fieldset([html.Legend(legend, className="form-label fw-semibold fs-6 mb-2"),
                          radios], className="atlas-radio-group")
