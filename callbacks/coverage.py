"""The "Datenstand" view (layouts/coverage.py over :mod:`atlas.coverage`), drawn only while its
tab is shown."""

from __future__ import annotations

from dash import Input, Output, callback
from dash.exceptions import PreventUpdate

from atlas.changes import load_changes
from atlas.coverage import changes_summary, coverage, selected_entries
from atlas.data import get_data
from atlas.paths import data_dir
from callbacks.common import shown_tab
from layouts import coverage as view
from layouts import ids


@callback(
    Output(ids.COVERAGE_SUMMARY, "children"),
    Output(ids.COVERAGE_AREAS, "children"),
    Output(ids.COVERAGE_CHANGES, "children"),
    shown_tab("datenstand", Input(ids.OWN_REVISION, "data")),
    prevent_initial_call=True,
)
def update_coverage_overview(values):
    """The newest year of all data, per Lebenslagenbereich, and the last build's changes."""
    if values is None:
        raise PreventUpdate
    data = get_data()
    result = coverage(data)
    return (view.summary(result), view.area_cards(result),
            view.changes_block(changes_summary(data, load_changes(data_dir()))))


@callback(
    Output(ids.COVERAGE_TABLE, "children"),
    Output(ids.COVERAGE_COUNT, "children"),
    shown_tab("datenstand", Input(ids.OWN_REVISION, "data"), part="table"),
    Input(ids.COVERAGE_TEXT, "value"),
    Input(ids.COVERAGE_AREA, "value"),
    Input(ids.COVERAGE_ONLY, "value"),
    Input(ids.COVERAGE_SORT, "value"),
    prevent_initial_call=True,
)
def update_coverage_table(values, text, area, only, sort):
    """The table of the indicators, searched, narrowed and sorted as chosen."""
    if values is None:
        raise PreventUpdate
    result = coverage(get_data())
    entries = selected_entries(result, text=text or "", area=area, only=tuple(only or ()),
                               sort=sort or "bereich")
    count = f"{len(entries)} von {len(result.indicators)} Indikatoren"
    return view.coverage_table(entries), count
