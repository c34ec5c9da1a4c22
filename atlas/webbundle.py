"""The browser's plotly.js: a partial bundle with only what the atlas draws.

The full ``plotly.min.js`` of the plotly package is 4.8 MB (1.5 MB gzipped) with some forty
trace types; the atlas's pages draw five (``scatter``, which is in plotly.js's core, ``bar``,
``choropleth``, ``scattergeo``) and speak German. The browser parses and evaluates every byte
before the first graph is drawn, which is most of the time between a page's first paint and
its interactive map.

:func:`ensure_plotly_bundle` builds the partial bundle once per plotly.js version from npm's
``plotly.js`` package (its ``lib/`` modules, the way plotly.js's own partial bundles are made)
with esbuild, and keeps it under ``build/plotly/`` (never committed). Without npm or without
the registry the atlas serves the full bundle, and says so once. No third-party code is kept
in the repository: the bundle is made on the machine that serves it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from atlas.paths import PROJECT_ROOT

log = logging.getLogger(__name__)

#: The plotly.js modules of the bundle besides its core (which holds ``scatter``): the traces
#: the atlas's browser figures use and the German locale (modebar and number names)
PLOTLY_MODULES = ("bar", "choropleth", "scattergeo", "locales/de")

#: The bundler (npm package ``esbuild``), pinned: the same input gives the same bytes
ESBUILD_VERSION = "0.28.2"

#: As plotly.js's own build (its ``esbuild-config.js``): the browser's ``window`` for
#: ``global``, no AMD, ES2016; CSS (only maplibre's, for map traces we leave out) dropped
ESBUILD_OPTIONS = ("--bundle", "--minify", "--format=iife", "--global-name=Plotly",
                   "--target=es2016", "--define:global=window", "--define:define.amd=false",
                   "--loader:.css=empty", "--log-level=warning")

#: Seconds for npm to fetch plotly.js and esbuild (about 20 s from the registry here); without
#: the registry npm gives up after one retry of a minute
NPM_TIMEOUT_S = 600


def bundle_dir() -> Path:
    """Where built bundles are kept (``$ATLAS_BUNDLE_DIR`` or ``build/plotly`` in the project)."""
    return Path(os.environ.get("ATLAS_BUNDLE_DIR") or PROJECT_ROOT / "build" / "plotly")


def plotlyjs_version() -> str:
    """The plotly.js version of the installed plotly package (the one its full bundle has):
    the partial bundle is made from the same version, so figures draw the same."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def entry_source(modules: tuple[str, ...] = PLOTLY_MODULES) -> str:
    """The bundle's entry module: plotly.js's core with ``modules`` registered."""
    required = ",\n    ".join(f"require('plotly.js/lib/{name}')" for name in modules)
    return ("var Plotly = require('plotly.js/lib/core');\n"
            f"Plotly.register([\n    {required}\n]);\n"
            "module.exports = Plotly;\n")


def bundle_path(version: str | None = None, modules: tuple[str, ...] = PLOTLY_MODULES) -> Path:
    """The file of the bundle for ``version`` and ``modules`` (named by both: a new plotly
    package or a new module list makes a new file, never a stale one)."""
    version = version or plotlyjs_version()
    recipe = "\n".join([version, ESBUILD_VERSION, *ESBUILD_OPTIONS, entry_source(modules)])
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    return bundle_dir() / f"plotly-{version}-atlas-{digest}.min.js"


def built_bundle() -> Path | None:
    """The partial bundle if it has been built, else None (the full bundle is served)."""
    path = bundle_path()
    return path if path.is_file() else None


def ensure_plotly_bundle(npm: str | None = None) -> Path | None:
    """Build the partial bundle unless it is there; return its path, or None (with the reason
    logged) where it cannot be built here. Safe to call from several processes: the file
    appears whole or not at all."""
    path = bundle_path()
    if path.is_file():
        return path
    npm = npm or shutil.which("npm")
    if not npm:
        log.warning("plotly.js-Teilpaket nicht gebaut: npm fehlt (Debian: apt-get install npm). "
                    "Der Atlas liefert das volle plotly.js (4,8 MB) aus.")
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="plotly-bundle-", dir=path.parent) as work:
        folder = Path(work)
        try:
            subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save",
                            "--loglevel=error", "--fetch-retries=1", "--fetch-timeout=60000",
                            "--prefix", str(folder),
                            f"plotly.js@{plotlyjs_version()}", f"esbuild@{ESBUILD_VERSION}"],
                           check=True, capture_output=True, text=True, timeout=NPM_TIMEOUT_S)
            (folder / "entry.js").write_text(entry_source(), encoding="utf-8")
            target = folder / "plotly.min.js"
            subprocess.run([str(folder / "node_modules" / ".bin" / "esbuild"), "entry.js",
                            *ESBUILD_OPTIONS, f"--outfile={target.name}"],
                           check=True, capture_output=True, text=True, cwd=folder, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            lines = [line.strip() for line in str(detail).splitlines()
                     if line.strip() and "complete log" not in line]
            log.warning("plotly.js-Teilpaket nicht gebaut (%s). Der Atlas liefert das volle "
                        "plotly.js (4,8 MB) aus.", "; ".join(lines[:2])[:300] or type(exc).__name__)
            return None
        os.replace(target, path)  # whole or not at all
    log.info("plotly.js-Teilpaket gebaut: %s (%d KB)", path.name, path.stat().st_size // 1024)
    return path
