"""Exports for reports: map and charts as PNG, SVG and PDF, the Regionenprofil as PDF, and the
values of one indicator as CSV and XLSX.

Pure Python, no Dash. Every picture is drawn by the builder the screen uses
(:func:`atlas.figures.choropleth`, :func:`atlas.figures.timeseries`, :func:`atlas.charts.ranking_bar`,
:func:`atlas.charts.scatter_plot`); this module only re-composes the returned figure for a page:
title, subtitle, legend placement, source lines, export date and an optional note.

Rendering uses kaleido 1.x with the system Chromium: one persistent browser per worker process,
started in the background when the worker starts (:func:`start_engine_in_background`; else on
the first export) and guarded by a lock (kaleido's browser is not thread-safe). Rendered pictures
are kept by content hash (:mod:`atlas.rendercache`): the same view gives the same bytes and is
drawn once. Geo assets come from the project's ``assets/topojson`` folder and MathJax is off, so
nothing is fetched from the network.

Page geometry: the plotly layout is the physical page at 96 px per inch (A4 landscape = 1122.5 ×
793.7 px), so SVG and PDF have the true page size; PNG for print is rendered at scale 300/96 and
carries 300 dpi in its ``pHYs`` chunk (A4 landscape: 3508 × 2480 px). The slide format is
1280 × 720 px at scale 1.5 (1920 × 1080 px, 96 dpi).
"""

from __future__ import annotations

import asyncio
import atexit
import csv
import functools
import io
import logging
import math
import os
import re
import struct
import textwrap
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from atlas import analysis, charts, figures, labels
from atlas.catalogue import LIFE_PHASES, POLARITIES, rank_note
from atlas.composite import indexview
from atlas.coverage import stand_text
from atlas.data import AtlasData
from atlas.errors import AtlasError
from atlas.figures import FONT, SEPARATORS, Display
from atlas.levels import wording
from atlas.levels.registry import KREIS
from atlas.memo import per_data
from atlas.paths import PROJECT_ROOT
from atlas.rendercache import ByteCache, content_key
from atlas.schema import Col
from atlas.text import neutralise, plotly_text
from atlas.values import (
    MISSING_LABEL,
    SPECIAL_SYMBOLS,
    format_number,
    format_signed,
    parse_decimal,
    without_artefacts,
)

log = logging.getLogger("atlas")

APP_NAME = "Sozialstrukturatlas Thüringen"
TOPOJSON_DIR = PROJECT_ROOT / "assets" / "topojson"

IMAGE_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

#: Longest note a user may add to an export.
MAX_NOTE = 200

PRINT_DPI = 300
SCREEN_DPI = 96
MM_PER_INCH = 25.4
#: Print formats (landscape): width and height in mm.
PRINT_FORMATS = {"a4": ("A4 quer", 297.0, 210.0), "a5": ("A5 quer", 210.0, 148.0)}
SLIDE = ("Folie 16:9", 1920, 1080, 1.5)  # label, px width, px height, scale
PAGE_FORMATS = (*PRINT_FORMATS, "folie")
#: Allowed print widths (``breite_mm``); the height follows the format's aspect ratio.
MIN_WIDTH_MM, MAX_WIDTH_MM = 100.0, 420.0

#: Seconds for starting the browser, for one picture, and for waiting on another export.
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 60.0
LOCK_TIMEOUT = 120.0


class ExportError(AtlasError, ValueError):
    """A request that cannot be exported as asked (bad parameter); German message."""


class ExportUnavailable(AtlasError):
    """The image engine cannot serve now (no browser, busy, crashed); German message."""


# --- engine: one persistent kaleido browser per process ----------------------------------------


def topojson_url() -> str:
    """URL of the geo assets for kaleido: ``pio.defaults.topojson`` if set, else the project's
    ``assets/topojson`` folder (then also set as ``pio.defaults.topojson``). A local folder is
    turned into a ``file://`` URL with a trailing slash."""
    if not pio.defaults.topojson:
        pio.defaults.topojson = str(TOPOJSON_DIR)
    location = str(pio.defaults.topojson)
    if not re.match(r"^(https?|file):", location):
        location = Path(location).resolve().as_uri()
    return location if location.endswith("/") else location + "/"


class _Engine:
    """A kaleido browser in its own event-loop thread, started lazily, one render at a time.

    The lock makes concurrent exports wait for each other: kaleido hands results back through
    shared queues, and without it concurrent callers could receive each other's pictures. A
    crashed or timed-out browser is dropped and restarted on the next export; a forked worker
    starts its own. ``starts`` and ``renders`` count the browser starts and the pictures asked of
    the browser (tests and benchmarks see what the cache and the early start save); ``ready_s``
    is how long the last start took.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._pid: int | None = None
        self._atexit = False
        self.starts = self.renders = 0
        self.ready_s: float | None = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None and self._pid == os.getpid()

    def _start(self) -> None:
        import kaleido  # late: importing kaleido costs time and only exports need it

        started = time.perf_counter()
        self.starts += 1
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="atlas-export-browser",
                                  daemon=True)
        thread.start()

        async def open_browser():
            browser = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False)
            await browser.open()
            return browser

        try:
            browser = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT)
        except BaseException as exc:  # noqa: BLE001 - any failure means: no engine
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            raise ExportUnavailable(
                "Der Bildexport ist nicht verfügbar: der Browser für die Bilderzeugung "
                "(Chromium) konnte nicht gestartet werden."
            ) from exc
        self._loop, self._thread, self._kaleido, self._pid = loop, thread, browser, os.getpid()
        self.ready_s = time.perf_counter() - started
        if not self._atexit:
            atexit.register(self.close)
            self._atexit = True

    def _stop(self) -> None:
        loop, thread, browser = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        self._pid = None
        if loop is None:
            return
        try:
            if browser is not None:
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
        except BaseException:  # noqa: BLE001 - best effort on a broken browser
            pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)

    def close(self) -> None:
        """Close the browser of this process (at exit; the next export starts a new one)."""
        if not self.lock.acquire(timeout=LOCK_TIMEOUT):
            return
        try:
            if self.running:
                self._stop()
        finally:
            self.lock.release()

    def render(self, figure: dict, opts: dict) -> bytes:
        if not self.lock.acquire(timeout=LOCK_TIMEOUT):
            raise ExportUnavailable("Der Bildexport ist gerade ausgelastet. Bitte gleich noch "
                                    "einmal versuchen.")
        try:
            if not self.running:
                self._start()
            self.renders += 1
            return self._draw(figure, opts)
        finally:
            self.lock.release()

    def warm_up(self) -> None:
        """Start the browser if needed and draw a small map and bar chart once: the first
        picture of a fresh browser pays for compiling plotly.js's map and chart code (about
        1 s), so a worker does that before its first export instead of during it."""
        if not self.lock.acquire(timeout=LOCK_TIMEOUT):
            return
        try:
            if not self.running:
                self._start()
            self._draw(_warm_up_figure(), {"format": "png", "width": 400, "height": 300,
                                           "scale": 1})
        finally:
            self.lock.release()

    def _draw(self, figure: dict, opts: dict) -> bytes:
        """One picture from the running browser (the caller holds the lock)."""
        from kaleido.errors import KaleidoError

        future = asyncio.run_coroutine_threadsafe(
            self._kaleido.calc_fig(figure, opts=opts, topojson=topojson_url()), self._loop)
        try:
            return future.result(RENDER_TIMEOUT + 5)
        except KaleidoError as exc:  # plotly.js refused the figure; the browser is fine
            raise ExportUnavailable(f"Das Bild konnte nicht erzeugt werden ({exc}).") from exc
        except BaseException as exc:
            future.cancel()
            self._stop()
            raise ExportUnavailable("Der Bildexport ist abgebrochen. Bitte noch einmal "
                                    "versuchen.") from exc


def _warm_up_figure() -> dict:
    """A tiny figure with the parts of the exports: a choropleth of one GeoJSON area on a
    Mercator map fitted to it, a bar chart and a line, with text."""
    area = {"type": "Feature", "id": "a", "properties": {},
            "geometry": {"type": "Polygon",
                         "coordinates": [[[10.0, 50.5], [12.0, 50.5], [11.0, 51.5],
                                          [10.0, 50.5]]]}}
    fig = go.Figure(go.Choropleth(geojson={"type": "FeatureCollection", "features": [area]},
                                  locations=["a"], z=[1.0], featureidkey="id",
                                  showscale=False))
    fig.add_bar(x=[1.0, 2.0], y=["a", "b"], orientation="h", text=["1,0", "2,0"],
                xaxis="x", yaxis="y")
    fig.add_scatter(x=[2020, 2021], y=[1.0, 2.0], mode="lines+markers", xaxis="x2",
                    yaxis="y2")
    fig.update_layout(geo={"fitbounds": "locations", "visible": False,
                           "projection": {"type": "mercator"}, "domain": {"x": [0, 0.5]}},
                      xaxis={"domain": [0.55, 1]}, xaxis2={"domain": [0.55, 1]},
                      yaxis={"domain": [0, 0.45]}, yaxis2={"domain": [0.55, 1]},
                      font={"family": FONT}, title={"text": "Aufwärmen"})
    return fig.to_dict()


_engine = _Engine()


def start_engine() -> None:
    """Start the browser now instead of on the first export (raises :class:`ExportUnavailable`
    if it cannot start)."""
    if not _engine.lock.acquire(timeout=LOCK_TIMEOUT):
        return  # another thread holds the engine: it is starting or rendering
    try:
        if not _engine.running:
            _engine._start()
    finally:
        _engine.lock.release()


#: The start of the line saying that a process's export browser is ready
ENGINE_READY = "Export-Browser bereit"


def start_engine_in_background(say=None) -> threading.Thread:
    """Start this process's browser in a background thread and draw a first small picture (a
    worker starting up: it answers pages at once, the first export waits on the engine's lock
    until the browser is ready).
    A failed start is logged and kills nothing: that export answers with the German message of
    :class:`ExportUnavailable`, and the next export tries again. Call it in the process that
    serves (a forked worker), not in a parent that forks afterwards. ``say`` gets the line
    that the browser is ready (gunicorn: the worker's log; default: this module's log)."""

    def start() -> None:
        try:
            _engine.warm_up()
        except ExportUnavailable as exc:
            log.warning("Export-Browser nicht gestartet: %s", exc, exc_info=exc.__cause__)
        else:
            if _engine.ready_s is not None:
                (say or log.info)(f"{ENGINE_READY} nach {_engine.ready_s:.1f} s "
                                  f"(Prozess {os.getpid()})")

    thread = threading.Thread(target=start, name="atlas-export-start", daemon=True)
    thread.start()
    return thread


def engine_counts() -> tuple[int, int]:
    """``(starts, renders)`` of this process's browser: how often it was started and how many
    pictures it was asked for (pictures from the cache are not counted)."""
    return _engine.starts, _engine.renders


def engine_ready_s() -> float | None:
    """Seconds the browser's last start took (``None`` before the first start)."""
    return _engine.ready_s


def stop_engine() -> None:
    """Close this process's browser."""
    _engine.close()


# --- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """Size of an export: plotly layout size (CSS px) and the PNG's pixel size and dpi."""

    key: str  # "a4", "a5", "folie", "a4-hoch"
    label: str
    layout_width: float
    layout_height: float
    width_px: int  # PNG
    height_px: int
    dpi: int

    @property
    def scale(self) -> float:
        return self.width_px / self.layout_width

    @property
    def font_factor(self) -> float:
        """Text size relative to A4 landscape: smaller pages shrink text a little, slides grow."""
        return min(max(self.layout_width / 1122.5, 0.85), 1.15)

    @property
    def portrait(self) -> bool:
        return self.layout_height > self.layout_width


def _print_page(key: str, label: str, width_mm: float, height_mm: float) -> Page:
    width_px = round(width_mm / MM_PER_INCH * PRINT_DPI)
    height_px = round(height_mm / MM_PER_INCH * PRINT_DPI)
    scale = PRINT_DPI / SCREEN_DPI
    return Page(key, label, width_px / scale, height_px / scale, width_px, height_px, PRINT_DPI)


def page_for(fmt: str | None = "a4", width_mm: float | str | None = None) -> Page:
    """The page of a format ``a4``, ``a5`` (landscape, 300 dpi) or ``folie`` (1920 × 1080).

    ``width_mm`` (100–420, German decimal comma allowed) sets another print width; the height
    follows the format's aspect ratio. Raises :class:`ExportError` with a German message.
    """
    fmt = (fmt or "a4").strip().lower()
    if fmt not in PAGE_FORMATS:
        raise ExportError(f"Format „{fmt[:20]}“ ist unbekannt; erlaubt: a4, a5, folie.")
    if fmt == "folie":
        if width_mm not in (None, ""):
            raise ExportError("„breite_mm“ gibt es nur für die Druckformate a4 und a5.")
        label, w, h, scale = SLIDE
        return Page("folie", label, w / scale, h / scale, w, h, SCREEN_DPI)
    label, w_mm, h_mm = PRINT_FORMATS[fmt]
    if width_mm not in (None, ""):
        wanted = parse_decimal(width_mm)
        if wanted is None:
            raise ExportError(f"„breite_mm“ muss eine Zahl sein, nicht „{str(width_mm)[:20]}“.")
        if not MIN_WIDTH_MM <= wanted <= MAX_WIDTH_MM:
            raise ExportError(f"„breite_mm“ muss zwischen {MIN_WIDTH_MM:.0f} und "
                              f"{MAX_WIDTH_MM:.0f} liegen.")
        label = f"{label}, {format_number(wanted, 0)} mm breit"
        w_mm, h_mm = wanted, wanted * h_mm / w_mm
    return _print_page(fmt, label, w_mm, h_mm)


#: A4 portrait for the Regionenprofil.
A4_PORTRAIT = _print_page("a4-hoch", "A4 hoch", 210.0, 297.0)


# --- text helpers -------------------------------------------------------------------------------


def clean_note(note: str | None) -> str:
    """A user's note for an export: whitespace collapsed, control characters dropped.

    Raises :class:`ExportError` if it is longer than :data:`MAX_NOTE` characters.
    """
    text = "".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in (note or ""))
    text = " ".join(text.split())
    if len(text) > MAX_NOTE:
        raise ExportError(f"Die Notiz ist {len(text)} Zeichen lang; erlaubt sind höchstens "
                          f"{MAX_NOTE}.")
    return text


def _wrap(text: str, width_px: float, size: float, bold: bool = False,
          max_lines: int | None = None) -> list[str]:
    """Raw text wrapped for a width (estimated glyph width), shortened with "…" if needed."""
    per_char = size * (0.56 if bold else 0.49)
    width = max(int(width_px / per_char), 20)
    lines = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width - 2].rsplit(" ", 1)[0] if len(last) > width - 2 else last) + " …"
    return lines


def short_definition(definition: str, limit: int = 230) -> str:
    """The first sentence of a definition, at most ``limit`` characters. A period after a number
    ("am 15. Mai") or a one-letter abbreviation ("z. B.") or a common one ("bzw.", "ca.", "Nr.",
    "vgl.") does not end the sentence."""
    text = " ".join(definition.split())
    match = re.match(r"^(.+?(?<![0-9])(?<!\b\w)(?<!\bbzw|\bvgl|\busw)(?<!\bca|\bNr)[.!?])(\s|$)",
                     text)
    first = match.group(1) if match else text
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0] + " …"
    return first


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


# --- composition: one page built around a builder's figure --------------------------------------

#: Base sizes in layout px for A4 landscape; multiplied by the page's font factor.
MARGIN = 34
TITLE_SIZE = 22
LINE_SIZE = 14
SUBTITLE_SIZE = 13
BODY_SIZE = 14
NOTE_SIZE = 12
FOOTER_SIZE = 10.5
LINE_HEIGHT = 1.32
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#4d4d4d"


class _Frame:
    """Positions on a page in layout px (from the top left), turned into plotly paper
    coordinates. The figure's margins are zero, so "paper" is the whole page."""

    def __init__(self, fig: go.Figure, page: Page) -> None:
        self.fig, self.page = fig, page
        self.f = page.font_factor
        self.w, self.h = page.layout_width, page.layout_height
        self.margin = MARGIN * self.f
        self.top = self.margin  # next free line of the header
        self.bottom = self.h - self.margin  # top of the footer so far
        self._annotations: list[dict] = []  # added by finish(), after fit_paper()
        self._shapes: list[dict] = []
        fig.update_layout(width=self.w, height=self.h, autosize=False,
                          margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
                          font={"family": FONT, "size": BODY_SIZE * self.f, "color": TEXT_COLOUR},
                          paper_bgcolor="white", separators=SEPARATORS)

    def s(self, size: float) -> float:
        return round(size * self.f, 2)

    def x(self, px: float) -> float:
        return px / self.w

    def y(self, px: float) -> float:
        return 1 - px / self.h

    @property
    def inner_width(self) -> float:
        return self.w - 2 * self.margin

    def text(self, lines: list[str], top_px: float, size: float, *, left_px: float | None = None,
             colour: str = TEXT_COLOUR, bold: bool = False, italic: bool = False,
             anchor: str = "top", align: str = "left", name: str = "") -> None:
        """One annotation block of already wrapped raw lines (escaped here)."""
        if not lines:
            return
        body = "<br>".join(plotly_text(line) for line in lines)
        if bold:
            body = f"<b>{body}</b>"
        if italic:
            body = f"<i>{body}</i>"
        x = self.margin if left_px is None else left_px
        self._annotations.append(dict(
            text=body, x=self.x(x) if align == "left" else self.x(self.w - self.margin),
            y=self.y(top_px), xref="paper", yref="paper", showarrow=False,
            xanchor=align, yanchor=anchor, align=align,
            font={"size": size, "color": colour, "family": FONT}, name=name,
        ))

    def block_height(self, n_lines: int, size: float) -> float:
        return n_lines * size * LINE_HEIGHT if n_lines else 0.0

    def header(self, title: str, line: str = "", subtitle: str = "", subtitle_lines: int = 2
               ) -> None:
        """Title (bold), a second line (place and Gebietsstand) and a grey subtitle."""
        size = self.s(TITLE_SIZE)
        lines = _wrap(title, self.inner_width, size, bold=True, max_lines=2)
        self.text(lines, self.top, size, bold=True, name="title")
        self.top += self.block_height(len(lines), size) + 3 * self.f
        if line:
            size = self.s(LINE_SIZE)
            lines = _wrap(line, self.inner_width, size, max_lines=2)
            self.text(lines, self.top, size, name="line")
            self.top += self.block_height(len(lines), size) + 2 * self.f
        if subtitle:
            size = self.s(SUBTITLE_SIZE)
            lines = _wrap(subtitle, self.inner_width, size, max_lines=subtitle_lines)
            self.text(lines, self.top, size, colour=MUTED_COLOUR, name="subtitle")
            self.top += self.block_height(len(lines), size)
        self.top += 12 * self.f

    def footer(self, note: str, sections: list[str], final: str) -> None:
        """From the bottom up: the last line (date), source sections, then the user's note."""
        size = self.s(FOOTER_SIZE)
        final_lines = _wrap(final, self.inner_width, size)
        self.text(final_lines, self.bottom, size, colour=MUTED_COLOUR, anchor="bottom",
                  name="created")
        self.bottom -= self.block_height(len(final_lines), size) + 1 * self.f
        lines = [wrapped for section in sections if section
                 for wrapped in _wrap(section, self.inner_width, size)]
        self.text(lines, self.bottom, size, colour=MUTED_COLOUR, anchor="bottom", name="sources")
        self.bottom -= self.block_height(len(lines), size)
        if note:
            size = self.s(NOTE_SIZE)
            lines = _wrap(f"Anmerkung: {note}", self.inner_width, size)
            self.bottom -= 6 * self.f
            self.text(lines, self.bottom, size, italic=True, anchor="bottom", name="note")
            self.bottom -= self.block_height(len(lines), size)
        self.bottom -= 10 * self.f
        # a thin rule between the figure and the footer
        self._shapes.append(dict(type="line", xref="paper", yref="paper", x0=self.x(self.margin),
                                 x1=self.x(self.w - self.margin),
                                 y0=self.y(self.bottom + 4 * self.f),
                                 y1=self.y(self.bottom + 4 * self.f),
                                 line={"color": "#bbbbbb", "width": 0.8}))

    def finish(self) -> go.Figure:
        """Add the page's texts and rules (after the builder's parts were moved into place)."""
        layout = self.fig.layout  # one assignment each: plotly validates per call
        layout.annotations = tuple(layout.annotations or ()) + tuple(self._annotations)
        layout.shapes = tuple(layout.shapes or ()) + tuple(self._shapes)
        self._annotations, self._shapes = [], []
        return self.fig

    def fit_paper(self, box: tuple[float, float, float, float]) -> None:
        """Move the builder's paper-referenced annotations and shapes and its axes into ``box``
        (left, top, right, bottom in px)."""
        left, top, right, bottom = box
        x0, x1, y0, y1 = self.x(left), self.x(right), self.y(bottom), self.y(top)
        layout = self.fig.layout
        for ann in layout.annotations or ():
            if ann.xref == "paper" and ann.x is not None:
                ann.x = x0 + ann.x * (x1 - x0)
            if ann.yref == "paper" and ann.y is not None:
                ann.y = y0 + ann.y * (y1 - y0)
            if ann.font is not None and ann.font.size:
                ann.font.size = ann.font.size * self.f
        for shape in layout.shapes or ():
            if shape.xref == "paper":
                shape.x0, shape.x1 = x0 + shape.x0 * (x1 - x0), x0 + shape.x1 * (x1 - x0)
            if shape.yref == "paper":
                shape.y0, shape.y1 = y0 + shape.y0 * (y1 - y0), y0 + shape.y1 * (y1 - y0)
        for key in layout.to_plotly_json():
            if re.fullmatch(r"[xy]axis\d*", key):
                axis = layout[key]
                if axis.overlaying:
                    continue
                # a builder's subplots (the rank ranges beside an index's bars) keep their
                # share of the box
                d0, d1 = axis.domain or (0.0, 1.0)
                lo, hi = (x0, x1) if key.startswith("x") else (y0, y1)
                axis.domain = [lo + d0 * (hi - lo), lo + d1 * (hi - lo)]
                axis.automargin = False
            elif re.fullmatch(r"geo\d*", key):
                layout[key].domain = {"x": [x0, x1], "y": [y0, y1]}


def _created(day: date | None) -> str:
    return f"Erstellt am {german_date(day or date.today())} mit dem {APP_NAME}"


def _latest_year(data: AtlasData, indicator_id: str, year: int | None) -> int:
    years = data.years(indicator_id)
    if not years:
        raise ExportError(f"Für „{data.indicator(indicator_id).short_title}“ gibt es keine Werte.")
    if year is None:
        return years[-1]
    if year not in years:
        raise ExportError(f"Für „{data.indicator(indicator_id).short_title}“ gibt es kein Jahr "
                          f"{year}; verfügbar: {years[0]}–{years[-1]}.")
    return int(year)


def source_line(data: AtlasData, ind, *more: str) -> str:
    """The source line of an export: the catalogue's attribution (source, table, licence),
    ``more`` (a map: the boundaries of its level) and last the indicator's "Stand: <Jahr>"
    (:func:`atlas.coverage.stand_text`, its newest year with data), so a printed page says how
    current its numbers are."""
    parts = [data.catalogue.source_line(ind), *more, stand_text(data, ind.id)]
    return " · ".join(part for part in parts if part)


def _author(data: AtlasData, *indicators, boundaries: str = "") -> str:
    """The document author of an export: the sources of its values (and ``boundaries``, a
    level's attribution, for a map)."""
    sources = dict.fromkeys(data.catalogue.source_of(ind).attribution for ind in indicators)
    return "; ".join([*sources, *([boundaries] if boundaries else [])])


def _names(data: AtlasData, selected, level=None) -> str:
    """The names of areas: of ``level`` where they are its keys, else of the Kreise (and the
    other levels, :meth:`AtlasData.region_name`)."""
    def name(key: str) -> str:
        return (level.name(key) if level is not None else None) or data.region_name(key)
    return ", ".join(name(a) for a in selected)


# --- the map ------------------------------------------------------------------------------------


def map_figure(data: AtlasData, indicator_id: str, year: int | None = None, *,
               display: Display | None = None, selected=(), note: str = "",
               page: Page | None = None, today: date | None = None,
               kreis: str | None = None, names: bool | None = None) -> go.Figure:
    """The map of the current view composed for a report page, for an indicator of any level.

    Drawn by the screen's builder (:func:`_draw_map`: classes, palette, legend, selection outline
    as on screen; with ``kreis`` only the areas in that Kreis, as the zoomed screen map does),
    then given a title (indicator, year), a line naming the areas shown and their Gebietsstand
    (:func:`atlas.levels.wording.areas_shown`), a subtitle (unit, short definition), the legend
    and the reference beside the map, the source line with licence and the level's boundary
    attribution (:attr:`Level.attribution <atlas.levels.registry.Level.attribution>`), the export
    date and the user's note.

    The map fills its part of the page (all areas of the level fitted to it; a zoomed Kreis by
    its areas). ``names`` writes the areas' names on the map, placed as in the presentation
    (:func:`atlas.labels.labels`); ``None`` (the default) means: on for a level of at most
    :data:`MAX_NAMED_AREAS` areas (the 22 Kreise, a few Sozialräume), off for more.
    """
    page, note, ind, view, level, kreis = _map_parts(data, indicator_id, year, display, page,
                                                     note, kreis)
    fig = _draw_map(data, view, kreis, list(selected), round(page.layout_height))
    shown = wording.areas_shown(data, level, kreis)
    frame = _Frame(fig, page)
    frame.header(view.title, shown,
                 f"Einheit: {ind.unit_label} · {short_definition(ind.definition)}")
    frame.footer(note, [source_line(data, ind, level.attribution)],
                 _created(today))
    f = frame.f
    gap = 18 * f
    panel_width = max(0.3 * frame.inner_width, 250 * f)
    map_box = (frame.margin, frame.top, frame.w - frame.margin - panel_width - gap,
               frame.bottom - 4 * f)
    reference = fig.layout.annotations[0] if fig.layout.annotations else None
    reference_text = reference.text if reference is not None else ""
    fig.layout.annotations = []
    frame.fit_paper(map_box)
    west, south, east, north = _level_bounds(level, kreis)
    # the bounds of the areas shown (plotly's fitbounds leaves a wide margin)
    fig.update_layout(geo={"fitbounds": False, "lonaxis": {"range": [west, east]},
                           "lataxis": {"range": [south, north]},
                           "center": {"lon": (west + east) / 2, "lat": (south + north) / 2}})
    few = len(level) <= MAX_NAMED_AREAS
    if (few if names is None else names) and few and not kreis:
        px_per_degree = min((map_box[2] - map_box[0]) / (east - west),
                            (map_box[3] - map_box[1])
                            / (labels.mercator_y(north) - labels.mercator_y(south)))
        size = frame.s(NAME_SIZE)
        _add_names(fig, labels.variant_for(_level_labels(level), size, px_per_degree), size)
    panel_left = map_box[2] + gap
    legend_top = frame.top
    if reference_text:  # the reference at the top of the panel, the legend below
        size = frame.s(14)
        plain = re.sub(r"<[^>]+>", "", reference_text)
        lines = 1
        if ": " in reference_text and len(plain) * size * 0.52 > panel_width - 12 * f:
            head, value = reference_text.rsplit(": ", 1)  # the value on a line of its own
            reference_text, lines = f"{head}:<br>{value}", 2
        fig.add_annotation(text=reference_text, x=frame.x(panel_left + 1), y=frame.y(frame.top),
                           xref="paper", yref="paper", xanchor="left", yanchor="top",
                           align="left", showarrow=False, font={"size": size},
                           bordercolor="#999999", borderwidth=0.8, borderpad=5 * f,
                           name="reference")
        legend_top += lines * size * LINE_HEIGHT + 12 * f + 16 * f
    fig.update_layout(legend={
        "x": frame.x(panel_left), "y": frame.y(legend_top), "xanchor": "left", "yanchor": "top",
        "font": {"size": frame.s(13)}, "title": {"font": {"size": frame.s(13)}},
        "bgcolor": "rgba(255,255,255,0)", "tracegroupgap": 2, "itemwidth": 30,
    })
    # at the bottom of the panel: the selection and a note on the classes
    panel_lines: list[tuple[str, float, str]] = [(text, frame.s(11), MUTED_COLOUR)
                                                 for text in data.map_notes(view.indicator_id)]
    if view.classes.note:
        panel_lines.append((view.classes.note, frame.s(11), MUTED_COLOUR))
    if kreis:
        panel_lines.append((f"Klassen und Anzahlen: {wording.all_areas(level, len(view.table))}, "
                            "so bleiben die Farben mit anderen Kreisen vergleichbar.",
                            frame.s(11), MUTED_COLOUR))
    chosen = [a for a in selected if a in set(view.table[Col.AGS])]
    if chosen:
        panel_lines.append((f"Schwarz umrandet: {_names(data, chosen, level)}", frame.s(12),
                            TEXT_COLOUR))
    y = map_box[3]
    for text, size, colour in panel_lines:
        lines = _wrap(text, panel_width, size)
        frame.text(lines, y, size, left_px=panel_left, colour=colour, anchor="bottom")
        y -= frame.block_height(len(lines), size) + 8 * f
    fig.update_layout(dragmode=False, hovermode=False)
    fig.layout.uirevision = None
    describe(fig, view.title, _author(data, ind, boundaries=level.attribution),
             f"Karte: {shown}; {ind.unit_label}")
    return frame.finish()


def _map_parts(data: AtlasData, indicator_id: str, year: int | None, display: Display | None,
               page: Page | None, note: str, kreis: str | None) -> tuple:
    """What a map and a ranking page start from: the page, the checked note, the indicator, its
    map view (:func:`atlas.figures.map_view`, the screen's classes and colours), its level and
    the Kreis zoomed to (:meth:`AtlasData.zoom`)."""
    ind = data.indicator(indicator_id)
    year = _latest_year(data, indicator_id, year)
    display = display or Display()
    view = figures.map_view(data, indicator_id, year, display.k, display=display)
    return (page or page_for("a4"), clean_note(note), ind, view, data.level_of(view.level),
            data.zoom(indicator_id, kreis))


#: Largest number of areas whose names an exported map writes by default (the 22 Kreise).
MAX_NAMED_AREAS = labels.MAX_NAMED_AREAS


def _draw_map(data: AtlasData, view, kreis: str | None, selected: list[str],
              height: int) -> go.Figure:
    """The map of ``view`` by the screen's builder, with the boundaries of the view's level;
    zoomed to the areas in ``kreis`` (:meth:`AtlasData.zoom` allows it where the areas know
    their Kreis). The one place the exports ask :mod:`atlas.figures` for a map."""
    return figures.choropleth(data, view, selected, height=height, kreis=kreis,
                              geojson=data.level_of(view.level).geojson)


@per_data(maxsize=32)
def _level_bounds(level, kreis: str | None = None) -> tuple[float, float, float, float]:
    """West, south, east, north of a level's areas, or of those in ``kreis`` (cached per level
    object)."""
    inside = set(level.in_kreis(kreis)) if kreis else None
    features = [f for f in level.geojson["features"]
                if inside is None or f["properties"]["AGS"] in inside]
    return labels.bounds({**level.geojson, "features": features or level.geojson["features"]})


def _level_labels(level) -> dict:
    """The places of a level's area names (:func:`atlas.labels.level_labels`)."""
    return labels.level_labels(level)


#: Size of the Kreis names on an exported map (layout px on A4 landscape, bold, white halo).
NAME_SIZE = 10.5


def _add_names(fig: go.Figure, placed: dict, size: float) -> None:
    """The district names (:func:`atlas.labels.labels`) as a text trace on top of the map."""
    fig.add_trace(go.Scattergeo(
        lon=placed["lon"], lat=placed["lat"], text=[plotly_text(t).replace("&lt;br&gt;", "<br>")
                                                    for t in placed["text"]],
        mode="text", name="Kreisnamen", showlegend=False, hoverinfo="skip",
        textfont={"family": FONT, "size": size, "color": TEXT_COLOUR, "weight": "bold",
                  "shadow": "0px 0px 2px #ffffff, 0px 0px 2px #ffffff"},
    ))


# --- charts -------------------------------------------------------------------------------------


def series_areas(data: AtlasData, indicator_id: str, selected) -> list[str]:
    """The areas a time series of ``selected`` compares (:func:`atlas.figures.series_lines`):
    each selected area of the indicator's level followed by its parent (the Kreis it lies in,
    where the level nests in Kreise: its own values or, for a count, the sum of its areas) – an
    area against its parent, and both against the level's reference. Keys that are no area of
    the level are left out."""
    return list(dict.fromkeys(line.key for line in
                              figures.series_lines(data, indicator_id, list(selected))[0]))


def timeseries_figure(data: AtlasData, indicator_id: str, selected=(), year: int | None = None,
                      *, note: str = "", page: Page | None = None, today: date | None = None
                      ) -> go.Figure:
    """The time series of the selected areas of any level, each with the Kreis it lies in where
    the indicator has values for it (:func:`series_areas`), against the level's reference
    (:func:`atlas.figures.timeseries`) composed for a page; series breaks in the footer."""
    page = page or page_for("a4")
    note = clean_note(note)
    ind = data.indicator(indicator_id)
    level = data.level_of(ind.level)
    years = data.years(indicator_id)
    if not years:
        raise ExportError(f"Für „{ind.short_title}“ gibt es keine Werte.")
    if year is not None:
        year = _latest_year(data, indicator_id, year)
    selected = series_areas(data, indicator_id, selected)
    fig = figures.timeseries(data, indicator_id, selected, year,
                             height=round(page.layout_height))
    breaks = list((fig.layout.meta or {}).get("notes", []))
    frame = _Frame(fig, page)
    reference = data.reference_name(indicator_id)
    who = f"{_names(data, selected, level)} und {reference}" if selected else reference
    title = f"{ind.short_title} {years[0]}–{years[-1]}" if len(years) > 1 else \
        f"{ind.short_title} {years[0]}"
    frame.header(title, f"Zeitreihe: {who} · {wording.areas_shown(data, level)}",
                 f"{ind.unit_label} · {short_definition(ind.definition)}")
    sections = ["Gepunktete Linie = Zeitreihenbruch. " + "; ".join(breaks)] if breaks else []
    if caveat := (fig.layout.meta or {}).get("caveat"):
        sections.insert(0, f"Achtung: {caveat}")
    if year is not None:
        sections.append(f"Grau hinterlegt: {year} (Jahr der Karte).")
    sections.append(source_line(data, ind))
    frame.footer(note, sections, _created(today))
    f = frame.f
    legend_rows = 1 + len(", ".join(t.name or "" for t in fig.data)) * frame.s(13) * 0.55 \
        // (frame.inner_width * 0.9)
    legend_height = legend_rows * 22 * f + 8 * f
    right_axis = "yaxis2" in fig.layout.to_plotly_json()
    box = (frame.margin + 78 * f, frame.top + legend_height,
           frame.w - frame.margin - (110 if right_axis else 10) * f, frame.bottom - 30 * f)
    frame.fit_paper(box)
    fig.update_layout(legend={"orientation": "h", "x": frame.x(frame.margin),
                              "y": frame.y(frame.top), "xanchor": "left", "yanchor": "top",
                              "font": {"size": frame.s(13)}},
                      hovermode=False)
    fig.update_xaxes(tickfont={"size": frame.s(13)})
    fig.update_yaxes(tickfont={"size": frame.s(13)}, title_font={"size": frame.s(13)})
    describe(fig, title, _author(data, ind), f"Zeitreihe: {who}; {ind.unit_label}")
    return frame.finish()


def ranking_figure(data: AtlasData, indicator_id: str, year: int | None = None, *,
                   display: Display | None = None, selected=(), note: str = "",
                   page: Page | None = None, today: date | None = None,
                   kreis: str | None = None) -> go.Figure:
    """The ranking of the areas of the indicator's level (with ``kreis``: of the areas in that
    Kreis), by :func:`atlas.charts.ranking_bar` in the map's class colours, composed for a
    page."""
    page, note, ind, view, level, kreis = _map_parts(data, indicator_id, year, display, page,
                                                     note, kreis)
    year = view.year
    fig = charts.ranking_bar(data, view, list(selected), kreis)
    fig.update_layout(title=None)
    frame = _Frame(fig, page)
    shown = wording.areas_shown(data, level, kreis)
    frame.header(f"{ind.short_title} {year}: Rangfolge der {level.title}", shown,
                 f"{ind.unit_label} · Rang: {rank_note(ind)} · Farben wie in der Karte "
                 f"({view.legend_title.split('<br>')[-1]})")
    frame.footer(note, [indexview.robustness_note(data, indicator_id, year),
                        source_line(data, ind)], _created(today))
    f = frame.f
    box = (frame.margin + 175 * f, frame.top + 30 * f, frame.w - frame.margin - 95 * f,
           frame.bottom - 76 * f)
    frame.fit_paper(box)
    # every area named where a row has room for a legible name (the 91 areas of a Kreis on A4),
    # in smaller type the more rows there are; beyond that plotly names every n-th bar
    row_px = (box[3] - box[1]) / max(len(fig.data[0].y), 1)
    size = min(frame.s(12.5), 0.85 * row_px)
    fig.update_traces(textfont={"size": min(frame.s(12), size)})
    if size >= MIN_RANKING_NAME_PX:
        fig.update_yaxes(tickfont={"size": size}, dtick=1)
    else:
        fig.update_yaxes(tickfont={"size": frame.s(12.5)})
    fig.update_layout(hovermode=False)
    describe(fig, f"{ind.short_title} {year}: Rangfolge der {level.title}", _author(data, ind),
             f"Rangfolge: {shown}; {ind.unit_label}")
    return frame.finish()


#: Smallest type (layout px) in which an exported ranking names every bar.
MIN_RANKING_NAME_PX = 4.5


def scatter_figure(data: AtlasData, x_id: str, y_id: str, year: int | None = None, *,
                   selected=(), note: str = "", page: Page | None = None,
                   today: date | None = None) -> go.Figure:
    """Two indicators against each other (:func:`atlas.charts.scatter_plot`) composed for a page,
    with the correlation summary and the caveat on interpretation."""
    page = page or page_for("a4")
    note = clean_note(note)
    xi, yi = data.indicator(x_id), data.indicator(y_id)
    for ind in (xi, yi):
        if not data.years(ind.id):
            raise ExportError(f"Für „{ind.short_title}“ gibt es keine Werte.")
    result = analysis.scatter(data, x_id, y_id, year)
    fig = charts.scatter_plot(data, result, list(selected), label_all=True)
    frame = _Frame(fig, page)
    years = (str(result.x_year) if result.x_year == result.y_year
             else f"{result.x_year} und {result.y_year}")
    frame.header(f"{yi.short_title} und {xi.short_title} {years}",
                 f"Streudiagramm: {wording.areas_shown(data, data.level_of(result.level))}",
                 charts.scatter_summary(result), subtitle_lines=3)
    sources = list(dict.fromkeys([source_line(data, xi), source_line(data, yi)]))
    frame.footer(note, [result.caveat, *sources], _created(today))
    f = frame.f
    box = (frame.margin + 78 * f, frame.top + 26 * f, frame.w - frame.margin - 10 * f,
           frame.bottom - 76 * f)
    frame.fit_paper(box)
    fig.update_layout(legend={"orientation": "h", "x": frame.x(frame.w - frame.margin),
                              "y": frame.y(frame.top), "xanchor": "right", "yanchor": "top",
                              "font": {"size": frame.s(12)}},
                      hovermode=False)
    fig.update_traces(textfont={"size": frame.s(12)}, selector={"mode": "markers+text"})
    _label_points(fig, box, frame.s(12))
    describe(fig, f"{yi.short_title} und {xi.short_title} {years}", _author(data, xi, yi),
             f"Streudiagramm der {result.areas}: {charts.scatter_summary(result)}")
    return frame.finish()


def _label_points(fig: go.Figure, box: tuple[float, float, float, float], font_px: float,
                  pad: float = 0.08) -> None:
    """Every point of the scatter named, the names placed by
    :func:`atlas.charts.place_point_labels` in the plot ``box`` (px); the axes get fixed ranges
    (``pad`` of the span on each side) so that the placement knows where each point lands."""
    traces = [t for t in fig.data if t.mode == "markers+text"]
    xs = [x for t in traces for x in t.x]
    ys = [y for t in traces for y in t.y]
    if not xs:
        return
    ranges = []
    for values in (xs, ys):
        lo, hi = min(values), max(values)
        span = (hi - lo) or abs(hi) or 1.0
        ranges.append((lo - pad * span, hi + pad * span))
    (x0, x1), (y0, y1) = ranges
    fig.update_layout(xaxis={"range": [x0, x1], "autorange": False},
                      yaxis={"range": [y0, y1], "autorange": False})
    width, height = box[2] - box[0], box[3] - box[1]
    points = [((x - x0) / (x1 - x0) * width, (y1 - y) / (y1 - y0) * height)
              for x, y in zip(xs, ys)]
    texts = [str(text) for t in traces for text in t.text]
    positions = charts.place_point_labels(points, texts, font_px, 7, (width, height))
    start = 0
    for trace in traces:
        trace.textposition = positions[start:start + len(trace.x)]
        start += len(trace.x)


# --- Regionenprofil -----------------------------------------------------------------------------

PROFILE_HEADER = ["Indikator", "Einheit", "Jahr", "Wert", "Rang", "Vergleich", "Abw.", "Trend",
                  "Verlauf"]
PROFILE_WIDTHS = [166, 92, 38, 60, 64, 92, 60, 114, 50]  # layout px (736 = A4 width − margins)
PROFILE_ALIGN = ["left", "left", "right", "right", "right", "right", "right", "left", "left"]
PROFILE_FONT = 10
PROFILE_ROW = 18.5
PROFILE_HEADER_ROW = 26
PROFILE_GROUP_ROW = 22
PROFILE_CELL_PAD = 16  # plotly's cell padding, both sides
HEADER_FILL = "#3b5673"
GROUP_FILL = "#e4ebf3"
ZEBRA = ("#ffffff", "#f4f4f4")
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
NBSP = "\u00a0"
PROFILE_EXPLANATION = (
    "Wert: letztes Jahr mit Wert für {das_gebiet}. Rang unter den Gebieten der Ebene „{title}“ "
    "mit Wert: 1 = höchstes Risiko (bei neutralen Indikatoren: höchster Wert). Vergleich: "
    "amtlicher Wert für Thüringen, wo es ihn gibt; (Md.) = {median}, (Σ) = {total}. "
    "Abw. = Abweichung vom Vergleichswert; sie und der Trend in der Einheit des Indikators, bei "
    "Anteilen (%) in Prozentpunkten; Anzahlen werden nicht mit der Summe verglichen. Trend: "
    "Veränderung über die letzten bis zu fünf Jahre mit Wert (↑ steigend, ↓ fallend, → gleich), "
    "bewertet nach der Lesart des Indikators."
)


def profile_explanation(level) -> str:
    """The explanation under a Regionenprofil of an area of ``level``."""
    return PROFILE_EXPLANATION.format(das_gebiet=f"das Gebiet ({level.singular})",
                                      title=level.title, median=level.median_label,
                                      total=level.sum_label)


def _fit_cell(text: str, width_px: float, size: float = PROFILE_FONT) -> str:
    """Text shortened with "…" so that it fits a table column (estimated glyph width: digits
    are wider than the average letter)."""
    digits = sum(ch.isdigit() for ch in text) / max(len(text), 1)
    room = int((width_px - PROFILE_CELL_PAD) / (size * (0.47 + 0.09 * digits)))
    return text if len(text) <= room else text[: max(room - 1, 1)].rstrip() + "…"


def _profile_rows(data: AtlasData, frame: pd.DataFrame) -> list[dict]:
    """One dict per indicator: its Lebenslagenbereich, the cell texts, a footnote on series
    breaks and its source."""
    rows: list[dict] = []
    notes: dict[str, int] = {}
    for rec in frame.itertuples(index=False):
        decimals = int(rec.decimals)
        value = format_number(rec.value, decimals)
        if rec.status and analysis._isnan(rec.value):  # why it is missing: "< 3 (geschützt)"
            value = str(rec.status)
        elif rec.status:
            value = f"{value} ({str(rec.status).split(' (')[0]})"
        reference = format_number(rec.reference, decimals)
        if rec.reference_basis == "median":
            reference += " (Md.)"
        elif rec.reference_basis == "summe":
            reference += " (Σ)"
        deviation = "–" if analysis._isnan(rec.deviation) else format_signed(rec.deviation,
                                                                              decimals)
        trend = "–"
        if rec.trend_direction:
            trend = f"{rec.trend_arrow} {format_signed(rec.trend_change, decimals)}"
            if rec.trend_assessment and rec.trend_assessment != analysis.NEUTRAL:
                trend += f" {rec.trend_assessment}"
        mark = ""
        if rec.trend_note:
            number = notes.setdefault(rec.trend_note, len(notes) + 1)
            mark = SUPERSCRIPTS[(number - 1) % len(SUPERSCRIPTS)]
        cells = [_fit_cell(rec.short_title, PROFILE_WIDTHS[0] - 8) + mark,
                 _fit_cell(rec.unit, PROFILE_WIDTHS[1]), str(rec.year), value, rec.rank_text,
                 reference, deviation, _fit_cell(trend, PROFILE_WIDTHS[7]),
                 charts.sparkline(rec.sparkline)]
        rows.append({
            "area": rec.area_title,
            "cells": cells,
            "note": (mark, rec.short_title, rec.trend_note) if mark else None,
            "source": data.catalogue.source_of(data.indicator(rec.indicator)),
        })
    return rows


def _profile_pages(rows: list[dict], room: float) -> list[list[tuple[str, bool, list[dict]]]]:
    """Rows split into pages of (heading, continued, rows) blocks fitting ``room`` px each; a
    heading never ends a page, a Bereich continued on the next page repeats its heading."""
    pages: list[list[tuple[str, bool, list[dict]]]] = [[]]
    used = 0.0
    area = None
    for row in rows:
        new_block = row["area"] != area
        need = PROFILE_ROW + (PROFILE_GROUP_ROW if new_block else 0)
        if used + need > room and pages[-1]:
            pages.append([])
            used = 0.0
            if not new_block:  # continue the Bereich under a repeated heading
                pages[-1].append((row["area"], True, []))
                used += PROFILE_GROUP_ROW
        if new_block:
            pages[-1].append((row["area"], False, []))
            area = row["area"]
        pages[-1][-1][2].append(row)
        used += need
    return [page for page in pages if page]


def profile_figures(data: AtlasData, ags: str, life_phase: str | None = None, *,
                    today: date | None = None, level: str = KREIS) -> list[go.Figure]:
    """The Regionenprofil of one area of any level (:func:`atlas.analysis.profile`) as A4
    portrait pages: a table (indicator, unit, year, value, rank, reference, deviation, trend,
    sparkline) grouped by Lebenslagenbereich, with title, the area's place, key and level with
    its Gebietsstand, explanations, sources and the level's boundaries, export date and page
    numbers.

    Raises :class:`atlas.analysis.AnalysisInputError` for an unknown level, area or life phase.
    """
    frame_data, found, name, place, phase = profile_parts(data, ags, life_phase, level)
    rows = _profile_rows(data, frame_data)
    page = A4_PORTRAIT
    header = (f"Regionenprofil {name}",
              f"{place} · {wording.key_label(found)} {ags} · "
              f"{wording.areas_shown(data, found)}",
              f"Lebensphase: {phase} · {len(frame_data)} Indikatoren mit Wert, je Indikator das "
              "letzte verfügbare Jahr")
    probe = _profile_frame(go.Figure(), page, header)
    footer_reserve = 190 * probe.f  # explanation, notes, sources, boundaries, date
    room = probe.bottom - footer_reserve - probe.top - PROFILE_HEADER_ROW
    pages = _profile_pages(rows, room) or [[]]
    figs = []
    for number, blocks in enumerate(pages, start=1):
        fig = go.Figure()
        frame = _profile_frame(fig, page, header)
        page_rows = [row for _, _, block in blocks for row in block]
        notes = list(dict.fromkeys(r["note"][::2] for r in page_rows if r["note"]))
        sources = list(dict.fromkeys(f"{r['source'].attribution} ({r['source'].licence})"
                                     for r in page_rows))
        sections = [profile_explanation(found)]
        sections += [f"{mark} Zeitreihenbruch: {text}" for mark, text in notes]
        if sources:
            sections.append("Quellen: " + "; ".join(sources) + ".")
        sections.append(f"{found.attribution}.")
        frame.footer("", sections, f"{_created(today)} · Seite {number} von {len(pages)}")
        _profile_tables(fig, frame, blocks)
        describe(fig, f"Regionenprofil {name}",
                 "; ".join(dict.fromkeys(r["source"].attribution for r in rows)),
                 f"Regionenprofil: {place}: {name} ({ags}), Lebensphase: {phase}")
        figs.append(frame.finish())
    return figs


def _profile_frame(fig, page, header: tuple[str, str, str]) -> _Frame:
    frame = _Frame(fig, page)
    frame.header(*header)
    return frame


def _profile_tables(fig: go.Figure, frame: _Frame, blocks) -> None:
    """The column headings, then per Bereich a table whose header row is the Bereich's name.

    One table per Bereich because plotly tables cannot set bold type per row (``<b>`` in a cell
    switches to rich text with a different row height)."""
    n_cols = len(PROFILE_HEADER)
    x = [frame.x(frame.margin), frame.x(frame.margin + sum(PROFILE_WIDTHS))]
    top = frame.top

    def add(header: dict, cells: dict, height: float) -> None:
        nonlocal top
        fig.add_trace(go.Table(columnwidth=PROFILE_WIDTHS, header=header, cells=cells,
                               domain={"x": x, "y": [frame.y(top + height + 0.5),
                                                     frame.y(top)]}))
        top += height

    font = {"family": FONT, "size": PROFILE_FONT, "color": TEXT_COLOUR}
    # column headings as a band with texts: a plotly table without cells stops the cells of the
    # tables after it from being drawn
    frame._shapes.append(dict(type="rect", xref="paper", yref="paper", x0=x[0], x1=x[1],
                              y0=frame.y(top + PROFILE_HEADER_ROW), y1=frame.y(top),
                              fillcolor=HEADER_FILL, line={"width": 0}, layer="below"))
    left = frame.margin
    for heading, width, align in zip(PROFILE_HEADER, PROFILE_WIDTHS, PROFILE_ALIGN):
        pad = PROFILE_CELL_PAD / 2
        frame._annotations.append(dict(
            text=f"<b>{heading}</b>", showarrow=False, xref="paper", yref="paper",
            y=frame.y(top + PROFILE_HEADER_ROW / 2),
            x=frame.x(left + pad if align == "left" else left + width - pad),
            xanchor=align, yanchor="middle", font={"family": FONT, "size": 10.5, "color": "white"}))
        left += width
    top += PROFILE_HEADER_ROW
    for heading, continued, rows in blocks:
        # no-break spaces: plotly wraps cell text at spaces and the row would outgrow the page
        columns = [[plotly_text(row["cells"][i]).replace(" ", NBSP) for row in rows]
                   for i in range(n_cols)]
        fills = [ZEBRA[i % 2] for i in range(len(rows))]
        titles = [heading, "(Fortsetzung)" if continued else ""] + [""] * (n_cols - 2)
        add({"values": [plotly_text(t).replace(" ", NBSP) for t in titles], "align": "left",
             "height": PROFILE_GROUP_ROW, "fill": {"color": GROUP_FILL},
             "line": {"color": GROUP_FILL, "width": 0.5},
             "font": {**font, "size": 10.5, "weight": ["bold"] + ["normal"] * (n_cols - 1),
                      "color": "#1f3550"}},
            {"values": columns, "align": PROFILE_ALIGN, "height": PROFILE_ROW,
             "fill": {"color": [fills] * n_cols}, "font": font,
             "line": {"color": "#dddddd", "width": 0.5}},
            PROFILE_GROUP_ROW + len(rows) * PROFILE_ROW)


# --- rendering ----------------------------------------------------------------------------------


def _png_with_dpi(png: bytes, dpi: int) -> bytes:
    """The PNG with a ``pHYs`` chunk (pixels per metre) right after ``IHDR``; an existing one is
    replaced. Written directly: re-encoding a 300-dpi A4 image with Pillow costs about 0,3 s."""
    signature, rest = png[:8], png[8:]
    if signature != b"\x89PNG\r\n\x1a\n":
        raise ExportUnavailable("Der Bildexport lieferte kein PNG.")
    chunks, offset = [], 0
    while offset < len(rest):
        length = struct.unpack(">I", rest[offset:offset + 4])[0]
        kind = rest[offset + 4:offset + 8]
        end = offset + 12 + length
        if kind != b"pHYs":
            chunks.append(rest[offset:end])
        offset = end
    ppm = round(dpi / 0.0254)
    payload = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    phys = struct.pack(">I", 9) + payload + struct.pack(">I", zlib.crc32(payload) & 0xFFFFFFFF)
    return signature + chunks[0] + phys + b"".join(chunks[1:])


def _exact_size(png: bytes, page: Page) -> bytes:
    """Guard against an off-by-one pixel size from the browser's rounding."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        if image.size == (page.width_px, page.height_px):
            return png
        resized = image.resize((page.width_px, page.height_px), Image.LANCZOS)
        out = io.BytesIO()
        resized.save(out, "PNG", compress_level=3)
        return out.getvalue()


def _size_of(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


@dataclass(frozen=True)
class Document:
    """What a PDF says about itself (its document properties): title, author (the data's
    source), subject."""

    title: str
    author: str
    subject: str = ""


def describe(fig: go.Figure, title: str, author: str, subject: str = "") -> go.Figure:
    """Attach the document properties a PDF of ``fig`` carries (``layout.meta["document"]``)."""
    meta = dict(fig.layout.meta or {}) if isinstance(fig.layout.meta, dict) else {}
    meta["document"] = {"title": title, "author": author, "subject": subject}
    fig.layout.meta = meta
    return fig


def document_of(fig: go.Figure) -> Document | None:
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    doc = meta.get("document")
    return Document(**doc) if doc else None


def _document_of_spec(spec: dict) -> Document | None:
    """:func:`document_of` of a figure's dict (what the cache key was made of)."""
    meta = spec.get("layout", {}).get("meta")
    doc = meta.get("document") if isinstance(meta, dict) else None
    return Document(**doc) if doc else None


def with_metadata(pdf: bytes, doc: Document | None) -> bytes:
    """The PDF with its document properties set (title, author, subject, creator) instead of the
    rendering browser's ("Kaleido-fier", a browser's user agent)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    info = {"/Creator": APP_NAME, "/Producer": APP_NAME}
    if doc is not None:
        info.update({"/Title": doc.title, "/Author": doc.author, "/Subject": doc.subject})
    writer.add_metadata(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def merge_pdfs(parts: list[bytes], doc: Document) -> bytes:
    """One PDF of the pages of ``parts``, with the document properties of ``doc``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        for pdf_page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(pdf_page)
    out = io.BytesIO()
    writer.write(out)
    return with_metadata(out.getvalue(), doc)


#: Rendered pictures of this process by content (``ATLAS_EXPORT_CACHE_MB``, default 64 MB).
RENDERED = ByteCache()


@functools.cache
def _render_version() -> str:
    """What draws besides the figure: the plotly.js of the plotly package and kaleido."""
    from importlib.metadata import version

    return f"plotly {version('plotly')}; kaleido {version('kaleido')}"


def render(fig: go.Figure, fmt: str, page: Page) -> bytes:
    """Bytes of a composed figure as PNG (page pixels and dpi), SVG or PDF (page size, with the
    document properties of :func:`describe`).

    Every picture of the app goes through here (map, charts, Regionenprofil, handout, the
    pictures in Word and PowerPoint), and here it is kept by content (:data:`RENDERED`): the key
    is a hash of the final figure's JSON (its data, texts, date, document properties), the
    render options and the post-processing, so the same view gives the same bytes without
    drawing again, and concurrent requests for the same picture draw it once."""
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"Format „{fmt[:10]}“ ist unbekannt; erlaubt: png, svg, pdf.")
    from plotly.io.json import to_json_plotly

    scale = page.scale if fmt == "png" else 1
    opts = {"format": fmt, "width": page.layout_width, "height": page.layout_height,
            "scale": scale}
    spec = fig.to_dict()
    key = content_key(_render_version(), topojson_url(), repr(sorted(opts.items())),
                      f"{page.width_px}x{page.height_px} px, {page.dpi} dpi",
                      to_json_plotly(spec))
    try:
        return RENDERED.get_or_make(key, lambda: _render_now(spec, fmt, page, opts),
                                    wait=LOCK_TIMEOUT + RENDER_TIMEOUT + 10)
    except TimeoutError as exc:  # waited for the same picture drawn by another request
        raise ExportUnavailable("Der Bildexport ist gerade ausgelastet. Bitte gleich noch "
                                "einmal versuchen.") from exc


def _render_now(spec: dict, fmt: str, page: Page, opts: dict) -> bytes:
    result = _engine.render(spec, opts)
    if fmt == "png":
        if _size_of(result) != (page.width_px, page.height_px):
            result = _exact_size(result, page)
        result = _png_with_dpi(result, page.dpi)
    elif fmt == "pdf":
        result = with_metadata(result, _document_of_spec(spec))
    return result


def profile_parts(data: AtlasData, ags: str, life_phase: str | None, level: str):
    """What every Regionenprofil document starts from: the profile's table, the level, the
    area's name and place, the life phase's words (PDF and Word)."""
    frame = analysis.profile(data, ags, life_phase, level)
    found = data.level_of(level)
    name = found.name(ags) or data.region_name(ags)
    return (frame, found, name, wording.area_place(data, found, ags),
            LIFE_PHASES.get(life_phase or "", "alle Lebensphasen"))


def profile_pdf(data: AtlasData, ags: str, life_phase: str | None = None, *,
                today: date | None = None, level: str = KREIS) -> bytes:
    """The Regionenprofil of an area of ``level`` as a PDF of A4 portrait pages (one PDF per
    page, merged)."""
    figs = profile_figures(data, ags, life_phase, today=today, level=level)
    parts = [render(fig, "pdf", A4_PORTRAIT) for fig in figs]
    return merge_pdfs(parts, document_of(figs[0]))


# --- data export --------------------------------------------------------------------------------

#: The XLSX sheet with definition, source and licence (named so in the README).
INFO_SHEET = "Hinweise"
# "Indikator" last: the CSV then re-imports through the tidy reader (ags, jahr, indikator, wert)
DATA_COLUMNS = ["AGS", "Name", "Jahr", "Wert", "Status/Hinweis", "Einheit", "Quelle", "Indikator"]
#: Status text → symbol of the statistical offices ("nichts vorhanden" → "-"); the first symbol
#: of :data:`atlas.values.SPECIAL_SYMBOLS` wins ("..." rather than "…").
SYMBOL_OF_STATUS = {reason: symbol for symbol, reason in reversed(SPECIAL_SYMBOLS.items())}


def export_table(data: AtlasData, indicator_id: str, year: int) -> pd.DataFrame:
    """The values of one indicator and year as the data exports give them: one row per area of
    the indicator's level (``ags, name, kind, value, status, rank`` …).

    The values of any level – Kreise, Gemeinden, a planner's own areas – enter the data exports
    (CSV, XLSX) here, from :func:`atlas.analysis.level_table`, where the protection of small
    numbers of own levels applies to every analysis and export alike.
    """
    return analysis.level_table(data, indicator_id, year)


def data_rows(data: AtlasData, indicator_id: str, year: int | None = None) -> pd.DataFrame:
    """The values of one indicator for one year (or all years, ``year=None``): one row per area
    of its level (:func:`export_table`) and year with ``ags, name, year, value, symbol, status,
    unit, source``.

    ``symbol`` holds the special symbol of a missing value (``"."`` for "unbekannt oder geheim",
    ``"-"`` for "nichts vorhanden", …); a plain missing value has none, only the status
    "keine Daten".
    """
    ind = data.indicator(indicator_id)
    years = data.years(indicator_id)
    if not years:
        raise ExportError(f"Für „{ind.short_title}“ gibt es keine Werte.")
    chosen = years if year is None else [_latest_year(data, indicator_id, year)]
    source = data.catalogue.source_line(ind).removeprefix("Quelle: ")
    frames = []
    for y in chosen:
        table = export_table(data, indicator_id, y)
        frames.append(_with_robustness(data, indicator_id, y, pd.DataFrame({
            "ags": table[Col.AGS].astype(str),
            "name": table[Col.NAME].astype(str),
            "year": y,
            "value": table[Col.VALUE].astype(float),
            "symbol": [SYMBOL_OF_STATUS.get(s, "") if math.isnan(v) else ""
                       for v, s in zip(table[Col.VALUE], table[Col.STATUS])],
            "status": table[Col.STATUS].astype(str),
            "unit": ind.unit,
            "source": source,
        })))
    return pd.concat(frames, ignore_index=True)


def _with_robustness(data: AtlasData, indicator_id: str, year: int, rows: pd.DataFrame
                     ) -> pd.DataFrame:
    """For a Sozialindex the rows with ``rank``, ``rank_range`` ("2–5", the 5th–95th percentile
    over the weight draws) and ``class_stability`` ("stabil"/"unsicher"), empty where an area
    has no index value (:func:`atlas.composite.indexview.rank_frame`); other indicators'
    rows as they are."""
    robust = indexview.rank_frame(data, indicator_id, year)
    if robust is None:
        return rows
    by_ags = robust.set_index(Col.AGS).reindex(rows["ags"])
    has = by_ags["rank"].notna().to_numpy()
    return rows.assign(
        rank=[str(int(r)) if ok else "" for r, ok in zip(by_ags["rank"], has)],
        rank_range=[t if ok else "" for t, ok in zip(by_ags["range_text"], has)],
        class_stability=[(indexview.UNSTABLE_TEXT if u else indexview.STABLE_TEXT) if ok else ""
                         for u, ok in zip(by_ags["class_changes"], has)])


def data_columns(rows: pd.DataFrame) -> list[str]:
    """The column heads of a data export of ``rows`` (:func:`data_rows`): those of
    :data:`DATA_COLUMNS`, for a Sozialindex then its rank, rank range and class stability."""
    return DATA_COLUMNS + (indexview.EXPORT_COLUMNS if "rank_range" in rows else [])


def _robustness_cells(row) -> list[str]:
    return [row.rank, row.rank_range, row.class_stability] if hasattr(row, "rank_range") else []


def csv_number(value: float) -> str:
    """A number for German spreadsheets: decimal comma, no thousands separator, no exponent, every
    digit of the source but no binary float artefact (:func:`atlas.values.without_artefacts`)."""
    return np.format_float_positional(without_artefacts(float(value)), trim="-").replace(".", ",")


def data_csv(data: AtlasData, indicator_id: str, year: int | None = None) -> bytes:
    """CSV for German Excel: ``;``, decimal comma, UTF-8 with BOM, CRLF. Special symbols stay
    as they are; text cells that look like formulas are neutralised (:func:`neutralise`)."""
    rows = data_rows(data, indicator_id, year)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(data_columns(rows))
    for row in rows.itertuples(index=False):
        if math.isnan(row.value):
            value = row.symbol  # a single symbol character is never a formula
        else:
            value = csv_number(row.value)
        writer.writerow([neutralise(row.ags), neutralise(row.name), row.year, value,
                         neutralise(row.status), neutralise(row.unit), neutralise(row.source),
                         neutralise(indicator_id), *_robustness_cells(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_clean(text: object) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", str(text))


def _set_text(cell, text: object) -> None:
    """A string cell, never a formula, whatever the text starts with."""
    cell.value = _xlsx_clean(text)
    cell.data_type = "s"


def data_xlsx(data: AtlasData, indicator_id: str, year: int | None = None, *,
              today: date | None = None) -> bytes:
    """XLSX with the sheet "Daten" (columns as in the CSV, values as numbers, special symbols as
    text) and the sheet "Hinweise" (definition, unit, source, licence, export date …).
    Every text is written as a string cell, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    ind = data.indicator(indicator_id)
    level = data.level_of(ind.level)
    rows = data_rows(data, indicator_id, year)
    src = data.catalogue.source_of(ind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Daten"
    bold = Font(bold=True)
    for col, header in enumerate(data_columns(rows), start=1):
        cell = sheet.cell(row=1, column=col)
        _set_text(cell, header)
        cell.font = bold
    number_format = "#,##0" + ("." + "0" * ind.decimals if ind.decimals > 0 else "")
    for r, row in enumerate(rows.itertuples(index=False), start=2):
        _set_text(sheet.cell(row=r, column=1), row.ags)
        _set_text(sheet.cell(row=r, column=2), row.name)
        sheet.cell(row=r, column=3, value=int(row.year))
        value_cell = sheet.cell(row=r, column=4)
        if math.isnan(row.value):
            if row.symbol:
                _set_text(value_cell, row.symbol)
                value_cell.alignment = Alignment(horizontal="right")
        else:
            value_cell.value = without_artefacts(float(row.value))
            value_cell.number_format = number_format
        _set_text(sheet.cell(row=r, column=5), row.status)
        _set_text(sheet.cell(row=r, column=6), row.unit)
        _set_text(sheet.cell(row=r, column=7), row.source)
        _set_text(sheet.cell(row=r, column=8), indicator_id)
        robust = _robustness_cells(row)
        if robust:  # a Sozialindex: rank as a number, range and stability as text
            sheet.cell(row=r, column=9, value=int(robust[0]) if robust[0] else None)
            _set_text(sheet.cell(row=r, column=10), robust[1])
            _set_text(sheet.cell(row=r, column=11), robust[2])
    for letter, width in zip("ABCDEFGHIJK", (9, 26, 7, 12, 22, 10, 70, 16, 7, 14, 14)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    last = "K" if "rank_range" in rows else "H"
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"

    info = workbook.create_sheet(INFO_SHEET)
    years = sorted(rows["year"].unique())
    references = []
    for y in years:
        ref = data.reference(indicator_id, int(y))
        references.append(f"{y}: {ref.label} {ref.text(ind.decimals, ind.unit)}")
    symbols = "; ".join(f"{s} = {reason}" for reason, s in SYMBOL_OF_STATUS.items())
    entries = [
        ("Indikator", ind.title),
        ("Kurztitel", ind.short_title),
        ("Kennung", ind.id),
        ("Definition", ind.definition),
        ("Einheit", f"{ind.unit} ({ind.unit_label})"),
        ("Lebenslagenbereich", data.catalogue.area(ind.area).title
         if ind.area in {a.id for a in data.catalogue.areas} else ind.area),
        ("Lesart", POLARITIES.get(ind.polarity, ind.polarity)),
        ("Jahr" if len(years) == 1 else "Jahre",
         str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"),
        ("Vergleichswert", " · ".join(references)),
        ("Quelle", src.attribution),
        ("Tabelle", ind.table),
        ("Lizenz", src.licence),
        ("Lizenz-URL", src.licence_url),
        ("Quelle-URL", src.url),
        ("Quellenangabe", data.catalogue.source_line(ind)),
        ("Stand", stand_text(data, ind.id).removeprefix("Stand: ")),
        ("Gebiete", f"{len(level)} {wording.areas_shown(data, level, gebietsstand=False)}"),
        ("Gebietsstand", level.gebietsstand or "–"),
        ("Grenzen", level.attribution.removeprefix("Grenzen: ")),
        ("Lizenz der Grenzen", level.licence),
        ("Zeichenerklärung", f"{symbols}; leere Zelle = {MISSING_LABEL}"),
        *([("Robustheit", " ".join(indexview.robustness_note(data, indicator_id, int(y))
                                    for y in years[-1:]))] if "rank_range" in rows else []),
        ("Exportdatum", german_date(today or date.today())),
        ("Erstellt mit", APP_NAME),
    ]
    for r, (label, text) in enumerate(entries, start=1):
        label_cell = info.cell(row=r, column=1)
        _set_text(label_cell, label)
        label_cell.font = bold
        label_cell.alignment = Alignment(vertical="top")
        cell = info.cell(row=r, column=2)
        _set_text(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- file names ---------------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                          "Ü": "ue"})


def safe_part(text: object, limit: int = 60) -> str:
    """One part of a download file name: lower case ``[a-z0-9_-]`` only."""
    text = str(text).translate(_UMLAUTS).lower()
    text = re.sub(r"[^a-z0-9_-]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_-")
    return text[:limit].strip("_-")


def file_name(*parts: object, ext: str) -> str:
    """A safe download name from parts, e.g. ``sgb2_quote_2021_karte.png``."""
    stem = "_".join(p for p in (safe_part(part) for part in parts if part not in (None, "")) if p)
    return f"{stem or 'export'}.{safe_part(ext, 8) or 'bin'}"


# --- handout of a Sitzungsfolge -----------------------------------------------------------------

MAX_HANDOUT_VIEWS = 30
HANDOUT_FILE_NAME = "sitzungsfolge_handout.pdf"


def handout_title_figure(data: AtlasData, entries: list[tuple[str, str]], *,
                         title: str = "Sitzungsfolge", today: date | None = None,
                         levels: tuple[str, ...] = (KREIS,)) -> go.Figure:
    """The title page of a handout: title, date, and the numbered list of the views (name,
    indicator and year). ``entries`` are ``(name, subtitle)`` pairs; ``levels`` the levels
    of the views' maps, whose areas and boundaries the page names."""
    found = [data.level_of(level) for level in dict.fromkeys(levels)]
    page = page_for("a4")
    fig = go.Figure()
    fig.update_layout(template="none", xaxis={"visible": False}, yaxis={"visible": False},
                      hovermode=False)
    frame = _Frame(fig, page)
    frame.header(title, f"{len(entries)} Karte{'n' if len(entries) != 1 else ''} · {APP_NAME}",
                 "; ".join(wording.areas_shown(data, level) for level in found))
    frame.footer("", [*(f"{level.attribution}." for level in found),
                      "Quellen der Werte: auf jeder Seite."], _created(today))
    room = frame.bottom - frame.top
    size = frame.s(BODY_SIZE if len(entries) <= 14 else NOTE_SIZE)
    per_entry = size * LINE_HEIGHT * 2 + 4 * frame.f
    columns = 1 if len(entries) * per_entry <= room else 2
    column_width = (frame.inner_width - (columns - 1) * 24 * frame.f) / columns
    rows = math.ceil(len(entries) / columns)
    for n, (name, subtitle) in enumerate(entries, start=1):
        column, row = divmod(n - 1, rows)
        left = frame.margin + column * (column_width + 24 * frame.f)
        top = frame.top + row * per_entry
        head = _wrap(f"{n}. {name}", column_width, size, bold=True, max_lines=1)
        frame.text(head, top, size, left_px=left, bold=True, name=f"view-{n}")
        if subtitle:
            frame.text(_wrap(subtitle, column_width, size, max_lines=1), top + size * LINE_HEIGHT,
                       size, left_px=left, colour=MUTED_COLOUR, name=f"view-{n}-subtitle")
    return frame.finish()


def handout_pdf(data: AtlasData, queries: list[tuple[str, str]], *, title: str = "Sitzungsfolge",
                title_page: bool = True, today: date | None = None) -> bytes:
    """All views of a Sitzungsfolge as one PDF: an optional title page, then one map page
    (A4 landscape, as :func:`map_figure`) per ``(name, query)``; the name is printed as the
    page's note. Queries are page URLs' query strings (:mod:`atlas.urlstate`).

    Raises
    ------
    ExportError
        Empty list, more than :data:`MAX_HANDOUT_VIEWS` views, or a query that names something
        unknown (German, naming the view).
    """
    from atlas.urlstate import parse_state

    if not queries:
        raise ExportError("Die Sitzungsfolge ist leer: es gibt keine Ansicht für das Handout.")
    if len(queries) > MAX_HANDOUT_VIEWS:
        raise ExportError(f"Höchstens {MAX_HANDOUT_VIEWS} Ansichten in einem Handout; "
                          f"die Liste hat {len(queries)}.")
    page = page_for("a4")
    figs, entries, levels = [], [], []
    for n, (name, query) in enumerate(queries, start=1):
        state, problems = parse_state(query, data)
        label = f"Ansicht {n}" + (f" („{name}“)" if name else "")
        if problems:
            raise ExportError(f"{label}: {' '.join(problems)}")
        note = clean_note(f"Ansicht {n}: {name}"[:MAX_NOTE]) if name else f"Ansicht {n}"
        fig = map_figure(data, state.indicator, state.year, display=state.display,
                         selected=state.selected, note=note, page=page, today=today,
                         kreis=state.zoom)
        figs.append(fig)
        year = _latest_year(data, state.indicator, state.year)
        ind = data.indicator(state.indicator)
        levels.append(ind.level)
        chosen = f" · {_names(data, state.selected)}" if state.selected else ""
        entries.append((name or f"{ind.short_title} {year}", f"{ind.short_title} {year}{chosen}"))
    if title_page:
        figs.insert(0, handout_title_figure(data, entries, title=title, today=today,
                                            levels=tuple(levels)))
    sources = list(dict.fromkeys(doc.author for fig in figs if (doc := document_of(fig))))
    document = Document(title, "; ".join(sources),
                        f"Handout einer Sitzungsfolge mit {len(queries)} Karte"
                        f"{'n' if len(queries) != 1 else ''}: "
                        + "; ".join(entry[0] for entry in entries))
    return merge_pdfs([render(fig, "pdf", page) for fig in figs], document)
