"""Whatever bytes a planner uploads, read_any returns a well-formed frame or raises SourceError."""

import io
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from atlas import readers
from atlas.errors import SourceError
from atlas.formats import read_any
from atlas.schema import VALUE_COLUMNS, Col

PREFIXES = [
    b"",
    b"\xef\xbb\xbf",
    "\ufeffstatistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
    "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;value;value_unit;"
    "value_variable_code;value_variable_label;value_q\n".encode(),
    b"Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
    b"1_Auspraegung_Code;1_Auspraegung_Label;BEVSTD__Bevoelkerungsstand__Anzahl\n",
    "\ufeffKennziffer;Raumeinheit;Aggregat;Arbeitslosenquote\n;;;2017\n".encode(),
    b"GENESIS-Tabelle: 12111-04-01-4\nTitel;;\n;;;Wert\n;;;Anzahl\n",
    b"ags;jahr;indikator;wert\n",
    b"ags;jahr;indikator;wert\n16051;2023;kita;",
    b"ags,raumeinheit,jahr,kuerzel,wert\n",
    b"kreis_id,kreis_name,year,gisd_score\n",
    b"region,year,total,women\n",
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xfe",
]

SMALL_FILES = [
    "genesis_ffcsv/52111-0001_1773175341165_de_flat.csv",
    "genesis_ffcsv/12211-Z-11_1773175349407_de_flat.csv",
    "genesis_ffcsv_old/12411-01-01-4_en_flat_oldformat_2022data.csv",
    "genesis_ffcsv_old/12411-01-01-4_de_flat_oldformat_2022data.csv",
    "genesis_table/82411-01-03-4.csv",
    "genesis_table/13211-02-05-4_2025.csv",
    "genesis_table/12111-04-01-4.csv",
    "inkar_export_2020/INKAR3_healthcare.csv",
    "tidy/th_kreise_indicator_panel_long.csv",
    "ba/badata_unemployed_total_by_kreis_year_sum_over_occupations.csv",
    "gisd/GISD_Thueringen_Kreis.csv",
]
HEAD_BYTES = 20_000


def _check(path, note=event):
    """The property: a frame honouring the reader contract, or a SourceError naming the file.
    ``note`` records the outcome (see ``--hypothesis-show-statistics``)."""
    try:
        frame = read_any(path)
    except SourceError as exc:
        assert path.name in str(exc)
        note(f"SourceError: {exc.problem[:40]}")
        return None
    note("frame")
    assert list(frame.columns) == [Col.ROW, *VALUE_COLUMNS]
    assert len(frame) > 0
    assert all(isinstance(a, str) and a for a in frame[Col.AGS])
    assert pd.api.types.is_integer_dtype(frame[Col.YEAR])
    assert pd.api.types.is_float_dtype(frame[Col.VALUE])
    assert not frame[Col.VALUE].map(math.isinf).any()
    assert (frame[Col.VALUE].notna() | (frame[Col.STATUS] != "")).all()  # missing has a reason
    assert set(frame.attrs["labels"]) == set(frame[Col.CODE])
    assert isinstance(frame.attrs["format"], str)
    return frame


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("property")


@pytest.fixture(scope="module")
def heads(sources, workdir):
    """The first ~20 KB (whole lines) of real files: mutation starts from valid content."""
    out = {}
    for relative in SMALL_FILES:
        data = (sources / "indicators" / relative).read_bytes()
        if len(data) > HEAD_BYTES:
            data = data[: data.rindex(b"\n", 0, HEAD_BYTES) + 1]
        out[relative] = data
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES),
       body=st.one_of(st.binary(max_size=2000),
                      st.text(alphabet=st.characters(codec="utf-8"), max_size=600)
                      .map(lambda t: t.encode("utf-8")),
                      st.lists(st.sampled_from([b";", b",", b"\t", b"\n", b"16051", b"2023",
                                                b"DG", b"-", b".", b"1,5", b"1.234", b'"', b"x",
                                                b"Insgesamt", b"__________", b"e", b"()"]),
                               max_size=80).map(b"".join)))
def test_arbitrary_bytes_give_a_frame_or_a_source_error(workdir, prefix, body):
    path = workdir / "upload.csv"
    path.write_bytes(prefix + body)
    _check(path)


def _mutate(data: bytes, draw) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete_lines", "delimiter"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
    lines = data.split(b"\n")
    if kind == "delete_lines":
        for _ in range(draw(st.integers(1, 5))):
            if lines:
                del lines[draw(st.integers(0, len(lines) - 1))]
        return b"\n".join(lines)
    old, new = draw(st.sampled_from([(b";", b","), (b",", b";"), (b";", b"\t"), (b";", b"|")]))
    return data.replace(old, new)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_real_files_give_a_frame_or_a_source_error(heads, workdir, data):
    relative = data.draw(st.sampled_from(sorted(heads)))
    mutated = _mutate(heads[relative], data.draw)
    path = workdir / "mutated.csv"
    path.write_bytes(mutated)
    _check(path)


def test_unmutated_heads_still_import(heads, workdir):
    """The property above starts from valid files: the cut heads themselves read fine."""
    for relative, content in heads.items():
        path = workdir / "head.csv"
        path.write_bytes(content)
        assert _check(path, note=lambda _: None) is not None, relative


TEMPLATE_XLSX = readers.template_xlsx()  # once: the bytes carry a timestamp


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_workbooks_give_a_frame_or_a_source_error(workdir, data):
    mutated = _mutate(TEMPLATE_XLSX, data.draw)
    path = workdir / "mutated.xlsx"
    path.write_bytes(mutated)
    _check(path)


cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.sampled_from(["16051", "2023", ".", "-", "1.234,5", "=1+1", "16"]),
)


GOOD_CELLS = {
    "ags": st.sampled_from(["16051", "16052", "01001", 16053, 1001, "16", "160510000000"]),
    "jahr": st.one_of(st.integers(1990, 2030), st.sampled_from(["2023", "31.12.2022"])),
    "indikator": st.sampled_from(["kita", "quote", "+1"]),
    "wert": st.one_of(st.floats(-1e9, 1e9), st.integers(-10**6, 10**6),
                      st.sampled_from([".", "-", "1.234,5", "7,25", " 3 "])),
    "einheit": st.sampled_from(["%", "Anzahl", None, "-"]),
    "quelle": st.sampled_from(["Jugendamt", None, "@x"]),
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(),
       header=st.permutations(list(GOOD_CELLS)),
       extra_sheet=st.sampled_from([None, "Anleitung", "Tabelle2"]))
def test_random_workbooks_give_a_frame_or_a_source_error(workdir, data, header, extra_sheet):
    good = st.fixed_dictionaries(GOOD_CELLS).map(lambda cells: [cells[c] for c in header])
    junk = st.lists(cell_values, min_size=0, max_size=7)
    rows = data.draw(st.one_of(st.lists(good, min_size=1, max_size=6),
                               st.lists(st.one_of(good, junk), max_size=8)))
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet(extra_sheet).append(["Hinweis"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = workdir / "random.xlsx"
    path.write_bytes(buffer.getvalue())
    _check(path)
