"""Reading the built data folder, all or nothing: every file checked against ``build_info.json``."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pandas as pd

from atlas.build import (
    GEMEINDE_GEO_OUT,
    GEMEINDEN_OUT,
    GEO_OUT,
    INFO_OUT,
    REGIONS_OUT,
    VALUES_OUT,
    is_built,
)
from atlas.catalogue import Catalogue, default_catalogue
from atlas.data.model import AtlasData
from atlas.editions import with_editions
from atlas.errors import AtlasError
from atlas.paths import data_dir
from atlas.schema import Col


class DataNotBuilt(AtlasError):
    """The data folder holds no built data."""


class DataCorrupt(AtlasError):
    """A built file is missing, cut, changed or unreadable: it does not match ``build_info.json``.

    The message names the file and says to run ``atlas build``; nothing of the folder is used.
    """

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(
            f"Die aufbereiteten Daten sind beschädigt oder unvollständig: {path} {problem}. "
            "Bitte „atlas build“ ausführen (baut die Daten in wenigen Sekunden neu)."
        )



def load(folder: Path | None = None, catalogue: Catalogue | None = None) -> AtlasData:
    """Read the built data of ``folder`` (default: the data folder), all or nothing.

    Every built file is checked against ``build_info.json`` (size, SHA-256, rows; written by
    ``atlas build``) before it is used (about 2 ms for the 1.3 MB of a full build).

    Raises
    ------
    DataNotBuilt
        The folder holds no built data.
    DataCorrupt
        A file is missing, cut, changed or unreadable, or the build predates the check; the
        message names the file and says to run ``atlas build``.
    """
    folder = Path(folder or data_dir())
    if not is_built(folder):
        raise DataNotBuilt(
            f"Im Datenordner {folder} liegen keine aufbereiteten Daten. Bitte zuerst „atlas build“ "
            "ausführen."
        )
    info = _read_info(folder)
    files = info.get("files")
    required = (GEO_OUT, REGIONS_OUT, VALUES_OUT)
    if not isinstance(files, dict) or any(p.as_posix() not in files for p in required):
        raise DataCorrupt(folder / INFO_OUT, "stammt von einer älteren Atlas-Version ohne "
                                             "Prüfsummen")
    raw = {rel: _verified_bytes(folder, rel, files[rel.as_posix()]) for rel in required}
    gemeinde_files = (GEMEINDEN_OUT, GEMEINDE_GEO_OUT)
    # (builds without Gemeinde boundaries: the Gemeinde level is simply empty)
    with_gemeinden = all(p.as_posix() in files for p in gemeinde_files)
    if with_gemeinden:
        raw.update({rel: _verified_bytes(folder, rel, files[rel.as_posix()])
                    for rel in gemeinde_files})

    def parse(rel: Path, reader):
        try:
            frame = reader(raw[rel])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise DataCorrupt(folder / rel, f"ist nicht lesbar ({type(exc).__name__})") from exc
        rows = len(frame["features"]) if isinstance(frame, dict) else len(frame)
        if rows != files[rel.as_posix()].get("rows"):
            raise DataCorrupt(folder / rel, f"enthält {rows} statt "
                                            f"{files[rel.as_posix()].get('rows')} Einträge")
        return frame

    regions = parse(REGIONS_OUT, lambda b: pd.read_csv(io.BytesIO(b), dtype=str))
    values = parse(VALUES_OUT, lambda b: pd.read_csv(
        io.BytesIO(b),
        dtype={Col.INDICATOR: str, Col.AGS: str, Col.YEAR: int, Col.VALUE: float, Col.STATUS: str},
        keep_default_na=False,
        na_values={Col.VALUE: [""]},
    ))
    geojson = parse(GEO_OUT, json.loads)
    gemeinden = gemeinde_geojson = None
    if with_gemeinden:
        gemeinden = parse(GEMEINDEN_OUT, lambda b: pd.read_csv(io.BytesIO(b), dtype=str,
                                                               keep_default_na=False))
        gemeinde_geojson = parse(GEMEINDE_GEO_OUT, json.loads)
    # source lines name the editions the values come from (an INKAR 2025 read for "inkar2024")
    catalogue = with_editions(catalogue or default_catalogue(), info.get("editions"))
    return AtlasData.from_frames(catalogue, regions, geojson, values, info, gemeinden,
                                 gemeinde_geojson)


def _read_info(folder: Path) -> dict:
    path = folder / INFO_OUT
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataCorrupt(path, f"ist nicht lesbar ({type(exc).__name__})") from exc
    if not isinstance(info, dict):
        raise DataCorrupt(path, "ist nicht lesbar (kein JSON-Objekt)")
    return info


def _verified_bytes(folder: Path, rel: Path, record) -> bytes:
    """The bytes of a built file, after checking them against its ``build_info.json`` record."""
    path = folder / rel
    if not isinstance(record, dict):
        raise DataCorrupt(folder / INFO_OUT, f"beschreibt {rel.as_posix()} nicht")
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        raise DataCorrupt(path, "fehlt") from None
    except OSError as exc:
        raise DataCorrupt(path, f"ist nicht lesbar ({exc.strerror})") from None
    if len(payload) != record.get("bytes"):
        raise DataCorrupt(path, f"hat {len(payload)} statt {record.get('bytes')} Bytes")
    if hashlib.sha256(payload).hexdigest() != record.get("sha256"):
        raise DataCorrupt(path, "wurde nach dem Bau verändert (Prüfsumme stimmt nicht)")
    return payload
