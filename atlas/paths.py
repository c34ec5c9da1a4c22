"""Where the atlas finds its sources and keeps its built data."""

from __future__ import annotations

import os
from pathlib import Path

from atlas.errors import SourcesNotFound

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Official download pages, named when no sources folder is found.
DOWNLOAD_PAGES = {
    "Verwaltungsgrenzen (BKG VG5000)": "https://gdz.bkg.bund.de/index.php/default/open-data/verwaltungsgebiete-1-5-000-000-stand-31-12-vg5000-31-12.html",
    "INKAR (BBSR)": "https://www.inkar.de",
    "Regionalstatistik": "https://www.regionalstatistik.de",
}


def data_dir() -> Path:
    """Folder of the built data (``$ATLAS_DATA_DIR`` or ``data/`` in the project)."""
    return Path(os.environ.get("ATLAS_DATA_DIR") or PROJECT_ROOT / "data")


def catalogue_path() -> Path:
    """The hand-written indicator catalogue (committed, never built); ``$ATLAS_CATALOGUE`` may
    point elsewhere (tests)."""
    return Path(os.environ.get("ATLAS_CATALOGUE") or PROJECT_ROOT / "data/indicators/catalogue.toml")


def source_candidates(explicit: str | os.PathLike | None = None) -> list[Path]:
    """The folders searched for sources, in order of precedence."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("ATLAS_SOURCES"):
        candidates.append(Path(os.environ["ATLAS_SOURCES"]))
    candidates.append(Path.cwd() / "sources")
    candidates.append(PROJECT_ROOT.parent / "shared" / "sources")
    return candidates


def find_sources(explicit: str | os.PathLike | None = None) -> Path:
    """Return the sources folder: ``explicit``, else ``$ATLAS_SOURCES``, else ``./sources``,
    else ``../shared/sources`` beside the checkout.

    Raises
    ------
    SourcesNotFound
        Naming every folder looked in and the official download pages.
    """
    candidates = source_candidates(explicit)
    if explicit:  # an explicit choice must not silently fall back to another folder
        candidates = candidates[:1]
    for folder in candidates:
        if (folder / "geo").is_dir() and (folder / "indicators").is_dir():
            return folder.resolve()
    looked = "\n".join(f"  - {c}" for c in candidates)
    pages = "\n".join(f"  - {name}: {url}" for name, url in DOWNLOAD_PAGES.items())
    raise SourcesNotFound(
        "Kein Quellordner gefunden (erwartet wird ein Ordner mit den Unterordnern geo/ und "
        f"indicators/). Gesucht in:\n{looked}\n"
        "Geben Sie den Ordner mit --sources ORDNER oder der Umgebungsvariable ATLAS_SOURCES an. "
        f"Die Daten gibt es auf den amtlichen Downloadseiten:\n{pages}"
    )
