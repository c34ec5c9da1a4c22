"""Values leave the atlas without float artefacts: the API with the indicator's decimals, the data
exports with every digit of the source but nothing a binary float adds (216600.00000000003)."""

from __future__ import annotations

import io
import re

import pandas as pd

from atlas import export
from atlas.values import rounded, without_artefacts


def _noisy(data):
    values = data.values.dropna(subset=["value"])
    return values[values["value"].map(lambda v: len(repr(float(v)).split(".")[-1]) > 8)]


def test_rounded_is_the_value_as_shown():
    assert rounded(127899.99999999999, 0) == 127900 and isinstance(rounded(127899.9, 0), int)
    assert rounded(12.65, 1) == 12.7 and rounded(2373.9700000000003, 2) == 2373.97
    assert rounded(float("nan"), 1) is None and rounded(None, 1) is None
    assert str(rounded(-0.04, 1)) == "0.0"


def test_without_artefacts_keeps_every_source_digit():
    assert without_artefacts(216600.00000000003) == 216600.0
    assert without_artefacts(2373.9700000000003) == 2373.97
    assert without_artefacts(12.65) == 12.65 and without_artefacts(0.00001) == 0.00001
    assert without_artefacts(10117.166666666666) == 10117.1666667


def test_csv_and_xlsx_exports_have_no_float_artefacts(data):
    from openpyxl import load_workbook

    noisy = _noisy(data)
    assert len(noisy)
    for indicator_id in noisy["indicator"].unique()[:5]:
        text = export.data_csv(data, indicator_id).decode("utf-8-sig")
        cells = [line.split(";")[3] for line in text.splitlines()[1:]]
        long_tails = [c for c in cells if re.search(r",\d*(0000000|9999999)\d*$", c)]
        assert not long_tails, (indicator_id, long_tails[:3])
        # every digit the source gives is kept
        frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"AGS": str})
        expected = data.values[data.values["indicator"] == indicator_id]["value"]
        assert frame["Wert"].dropna().round(6).isin(expected.dropna().round(6)).all()
        book = load_workbook(io.BytesIO(export.data_xlsx(data, indicator_id)))
        numbers = [c.value for c in book["Daten"]["D"][1:] if isinstance(c.value, (int, float))]
        assert numbers and all(v == without_artefacts(v) for v in numbers), indicator_id
        assert all(len(repr(v)) < 16 for v in numbers), indicator_id
