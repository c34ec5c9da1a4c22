"""What the page and the data exports show of a Sozialindex's robustness check
(:mod:`atlas.composite.robustness`, :func:`atlas.composite.report.index_report`): per area the
rank with its range and whether its class is unstable, and the German line that explains them.

One place for these texts, so that the ranking chart, the values table and the CSV/XLSX export
say the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from atlas.composite.compute import formula_of
from atlas.composite.report import NotAnIndex, index_report
from atlas.composite.robustness import TOLERANCE
from atlas.schema import Col

#: The mark of an area whose class is unstable (values table, ranking, export).
UNSTABLE = "⚠ Klasse unsicher"
#: Column heads of the data export of an index (after the usual columns).
EXPORT_COLUMNS = ["Rang", "Rangspanne (5.–95. Perzentil)", "Klasse bei anderen Gewichten"]
STABLE_TEXT, UNSTABLE_TEXT = "stabil", "unsicher"


def is_index(data, indicator_id: str) -> bool:
    """Whether ``indicator_id`` is a Sozialindex at its own level (an index has no entries at
    other levels)."""
    formula = formula_of(data.catalogue, indicator_id)
    return formula is not None and formula.kind == "index" and formula.id == indicator_id


def range_text(low: float, high: float) -> str:
    """"2–5": the 5th–95th percentile of the ranks, rounded to whole ranks ("3–3" for a rank
    that no draw moves: always a range, so a reader never takes it for the rank)."""
    return f"{int(round(low))}–{int(round(high))}"


def rank_frame(data, indicator_id: str, year: int) -> pd.DataFrame | None:
    """Per area of the index's level (``ags``): ``rank`` (1 = most risk), ``rank_low``,
    ``rank_high`` (5th/95th percentile over the weight draws), ``range_text`` ("2–5"),
    ``rank_text`` ("Rang 3 (2–5)"), ``class_changes``; ``None`` when the indicator is no index
    or has no index in ``year``. Areas without an index value have NaN ranks and empty texts."""
    if not is_index(data, indicator_id):
        return None
    try:
        report = index_report(data, indicator_id, int(year))
    except NotAnIndex:
        return None
    table = report.table
    has = ~np.isnan(table["rank"].to_numpy(dtype=float))
    ranges = [range_text(lo, hi) if ok else "" for lo, hi, ok in
              zip(table["rank_low"], table["rank_high"], has)]
    texts = [f"Rang {int(r)} ({span})" if ok else "" for r, span, ok in
             zip(table["rank"], ranges, has)]
    return pd.DataFrame({
        Col.AGS: table[Col.AGS].astype(str).to_numpy(),
        "rank": table["rank"].to_numpy(dtype=float),
        "rank_low": table["rank_low"].to_numpy(dtype=float),
        "rank_high": table["rank_high"].to_numpy(dtype=float),
        "range_text": ranges,
        "rank_text": texts,
        "class_changes": table["class_changes"].to_numpy(dtype=bool) & has,
    })


def robustness_note(data, indicator_id: str, year: int) -> str:
    """The German line that explains the rank ranges and marks (ranking, values table); ``""``
    for an indicator that is no index."""
    if not is_index(data, indicator_id):
        return ""
    try:
        report = index_report(data, indicator_id, int(year))
    except NotAnIndex:
        return ""
    draws = f"{report.draws:,}".replace(",", ".")
    parts = len(report.parts)
    unstable = report.unstable
    areas = "Gebiet" if unstable == 1 else "Gebiete"
    return (f"Robustheit: {draws} Gewichtsziehungen um die gewählten Gewichte (Dirichlet, "
            f"Startwert {report.seed}) und je einer der {parts} Teile weggelassen. Die "
            "Rangspanne ist das 5.–95. Perzentil der Ränge über die Ziehungen; "
            f"„{UNSTABLE}“: die Klasse ({report.classes} gleich große Gruppen der Indexwerte) "
            f"wechselt in mehr als {TOLERANCE * 100:g} % der Ziehungen oder ohne einen der "
            f"Teile ({unstable} {areas}).")
