"""Issue #13, item 18: an Excel workbook that unpacks to hundreds of MB (a decompression bomb) is
refused at once with a German message naming the file; nothing is unpacked and nothing stored.

The bombs are built here with zipfile from the atlas's own Excel template: a worksheet whose XML
is huge but highly compressible, as an attacker would make it (a malicious file, not data).
"""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from atlas import formats, readers
from atlas.errors import AtlasError, SourceError
from atlas.formats import read_any
from atlas.readers import template_xlsx

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"  # the template's data sheet (tests/conftest.py)


@pytest.fixture(scope="module")
def big_bomb(tmp_path_factory, xlsx_files) -> Path:
    """Like the one reported: under 1 MB that unpacks to 185 MB."""
    path = xlsx_files.bomb(tmp_path_factory.mktemp("bomb") / "daten.xlsx", 185 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    return path


@pytest.fixture(scope="module")
def small_bomb(tmp_path_factory, xlsx_files) -> Path:
    """Within the size limit, but packed far tighter than any real worksheet."""
    path = xlsx_files.bomb(tmp_path_factory.mktemp("bomb") / "kreise.xlsx", 40 * 1024 * 1024)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    assert info.file_size < formats.MAX_UNPACKED_BYTES
    assert info.file_size / info.compress_size > formats.MAX_COMPRESSION_RATIO
    return path


def _refused_quickly(path: Path, *words: str) -> str:
    started = time.perf_counter()
    with pytest.raises(SourceError) as info:
        read_any(path)
    assert time.perf_counter() - started < 2.0
    message = str(info.value)
    assert message.startswith(f"Datei {path.name}: Excel-Datei wird nicht gelesen")
    for word in words:
        assert word in message
    return message


def test_a_bomb_of_185_mb_is_refused_at_once(big_bomb):
    _refused_quickly(big_bomb, "entpackt zu groß", "185,0 MB")


def test_a_bomb_under_the_size_limit_is_refused_by_its_packing(small_bomb):
    _refused_quickly(small_bomb, "ZIP-Bombe", SHEET, "Faktor")


def test_an_upload_of_the_bomb_in_the_app_is_refused_at_once(big_bomb):
    from callbacks.owndata import summary_of

    contents = ("data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
                + base64.b64encode(big_bomb.read_bytes()).decode())
    started = time.perf_counter()
    with pytest.raises(AtlasError, match="Datei daten.xlsx: Excel-Datei wird nicht gelesen"):
        summary_of(contents, "daten.xlsx")
    assert time.perf_counter() - started < 2.0


def test_atlas_import_of_the_bomb_stores_nothing(big_bomb, built_dir, tmp_path):
    env = {**os.environ, "ATLAS_DATA_DIR": str(built_dir),
           "ATLAS_DATABASE_URL": f"sqlite:///{tmp_path / 'eigene.sqlite'}"}

    def atlas(*args):
        return subprocess.run([sys.executable, "-m", "atlas.cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    started = time.perf_counter()
    result = atlas("import", str(big_bomb), "--id", "bombe", "--title", "Bombe", "--quelle", "x",
                   "--bereich", "demografie", "--lebensphasen", "kindheit", "--lesart", "neutral")
    assert time.perf_counter() - started < 30  # the interpreter's start included
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Excel-Datei wird nicht gelesen" in result.stderr
    assert "Es wurde nichts gespeichert." in result.stderr
    listing = atlas("list")
    assert listing.returncode == 0 and listing.stdout.strip() == "Keine eigenen Daten."


def test_too_many_rows_stop_while_streaming(tmp_path, monkeypatch, xlsx_files):
    """A sheet of real-looking rows (packed normally) stops at the row cap, naming it."""
    monkeypatch.setattr(readers, "MAX_XLSX_ROWS", 2_000)

    def write(sheet):
        sheet.write(b'<row><c t="inlineStr"><is><t>ags</t></is></c><c t="inlineStr"><is><t>jahr'
                    b'</t></is></c><c t="inlineStr"><is><t>indikator</t></is></c>'
                    b'<c t="inlineStr"><is><t>wert</t></is></c></row>')
        for n in range(5_000):
            sheet.write(f'<row><c t="inlineStr"><is><t>16051</t></is></c><c><v>{1000 + n}</v>'
                        f'</c><c t="inlineStr"><is><t>x</t></is></c><c><v>{n}</v></c></row>'
                        .encode())

    path = xlsx_files.with_sheet(tmp_path / "lang.xlsx", write)
    with pytest.raises(SourceError, match="mehr als 2.000 Zeilen"):
        read_any(path)


def test_too_many_cells_stop_while_streaming(tmp_path, monkeypatch, xlsx_files):
    monkeypatch.setattr(readers, "MAX_XLSX_CELLS", 10_000)

    def write(sheet):  # one row with a cell in the last Excel column: 16,384 cells
        sheet.write(b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>')

    path = xlsx_files.with_sheet(tmp_path / "breit.xlsx", write)
    with pytest.raises(SourceError, match="mehr als 10.000 Zellen"):
        read_any(path)


def test_parsing_is_time_boxed(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_XLSX_SECONDS", 0)
    path = tmp_path / "vorlage.xlsx"
    path.write_bytes(template_xlsx())
    with pytest.raises(SourceError, match="Einlesen nach 0 Sekunden abgebrochen"):
        read_any(path)


def test_the_template_and_a_real_sized_workbook_still_read(tmp_path, data):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ags", "jahr", "indikator", "wert", "einheit", "quelle"])
    kreise = sorted(data.regions["ags"])
    for year in range(2000, 2024):
        for ags in kreise:
            sheet.append([ags, year, "eigene_quote", 1.5, "%", "Jugendamt"])
    path = tmp_path / "eigene.xlsx"
    book.save(path)
    frame = read_any(path)
    assert len(frame) == 24 * len(kreise)
    template = tmp_path / "vorlage.xlsx"
    template.write_bytes(template_xlsx())
    assert len(read_any(template)) == 1


def test_an_entity_expansion_bomb_in_the_sheet_is_refused_quickly(tmp_path):
    """The other amplification attack on XML inside a workbook ("billion laughs"): ten levels of
    entities that would expand to 10^10 characters; the XML parser refuses it."""
    entities = '<!ENTITY a0 "hahahahahahahahahaha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    template = zipfile.ZipFile(io.BytesIO(template_xlsx()))
    path = tmp_path / "lachen.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            data = template.read(info.filename)
            if info.filename == SHEET:
                data = (f"<!DOCTYPE worksheet [{entities}]>".encode()
                        + data.replace(b"16051", b"&a9;", 1))
            out.writestr(info.filename, data)
    started = time.perf_counter()
    with pytest.raises(SourceError, match="Datei lachen.xlsx: Excel-Tabelle nicht lesbar"):
        read_any(path)
    assert time.perf_counter() - started < 2.0
