"""Word and PowerPoint documents for the office (issue #19), built with python-docx and
python-pptx from the same parts as the PDF exports:

* :func:`baustein_docx` – the "Berichtsbaustein" of a map view: heading, the map as a picture
  (the PNG of :func:`atlas.export.map_figure`, A4 at 300 dpi) with a numbered Word caption
  ("Abbildung 1: …", a ``SEQ`` field Word renumbers), the generated text
  (:mod:`atlas.report.describe`), the values as a Word table (German numbers, rank, deviation,
  the reference row, missing values with their symbol or reason), source, licence, boundaries
  and export date.
* :func:`profile_docx` – the Regionenprofil of an area of any level as Word tables per
  Lebenslagenbereich (value, rank, reference, deviation, trend) with the generated text on
  each indicator.
* :func:`session_pptx` – a Sitzungsfolge as 16:9 slides (:func:`session_pptx`).

Only the built-in style names of Word are used ("Title", "Heading 1", "Heading 2", "Caption",
"Normal", "Table Grid"), so a report template's styles apply when the text is pasted or the
template is attached. Every text is plain (user texts are never markup); characters XML does not
allow are dropped.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import replace
from datetime import date

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from atlas import analysis, export, traffic
from atlas.catalogue import rank_note
from atlas.data import AtlasData
from atlas.figures import Display
from atlas.levels import wording
from atlas.levels.registry import KREIS
from atlas.report import describe
from atlas.schema import Col
from atlas.values import format_number, format_signed

#: Width of the map picture in a Word document (A4 portrait, 2 cm margins).
PICTURE_WIDTH = Cm(16)
#: Font size of the tables' text (pt).
TABLE_FONT = 9
#: The caption label and its SEQ field's name.
FIGURE_LABEL = "Abbildung"

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: object) -> str:
    """Text for a document: ``str(text)`` without the characters XML does not allow."""
    return _NOT_XML.sub("", "" if text is None else str(text))


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _properties(doc, title: str, author: str, subject: str, today: date | None) -> None:
    props = doc.core_properties
    props.title = clean(title)[:250]
    props.author = clean(author)[:250]
    props.subject = clean(subject)[:250]
    props.comments = f"Erstellt mit dem {export.APP_NAME}"
    day = today or date.today()
    from datetime import datetime

    props.created = datetime(day.year, day.month, day.day)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (``SEQ Abbildung \\* ARABIC``) with its current result ``shown``."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    run._r.append(instr)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def add_caption(doc, number: int, text: str):
    """A numbered caption "Abbildung 1: …" in the style "Caption" with a SEQ field."""
    paragraph = doc.add_paragraph(style="Caption")
    paragraph.add_run(f"{FIGURE_LABEL} ")
    _field(paragraph, f" SEQ {FIGURE_LABEL} \\* ARABIC ", str(number))
    paragraph.add_run(f": {clean(text)}")
    return paragraph


def _table(doc, header: list[str], rows: list[list[str]], *, right: set[int] = frozenset(),
           bold_rows: set[int] = frozenset(), widths: list[float] | None = None):
    """A Word table in the style "Table Grid": a header row repeated on every page, then
    ``rows``; columns in ``right`` right-aligned (numbers)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for i, text in enumerate(header):
        cell = head.cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(clean(text))
        run.bold = True
        if i in right:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for n, values in enumerate(rows):
        cells = table.add_row().cells
        for i, text in enumerate(values):
            paragraph = cells[i].paragraphs[0]
            run = paragraph.add_run(clean(text))
            if n in bold_rows:
                run.bold = True
            if i in right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_FONT)
    return table


def _shade(cell, colour: str) -> None:
    """A table cell's light background (a traffic light; its text says the colour, too), the
    text bold."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.bold = True


def _small(doc, text: str, size: float = 9):
    paragraph = doc.add_paragraph(style="Normal")
    run = paragraph.add_run(clean(text))
    run.font.size = Pt(size)
    return paragraph


def _new_document():
    doc = WordDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    return doc


def value_cell(value: float, status: str, decimals: int) -> str:
    """A value for a table: the German number, or for a missing one the symbol of the
    statistical offices where there is one ("." geheim) with the reason, else the reason."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        symbol = export.SYMBOL_OF_STATUS.get(status, "")
        return f"{symbol} ({status})" if symbol else (status or "keine Daten")
    text = format_number(value, decimals)
    return f"{text} ({status})" if status else text


# --- Berichtsbaustein ---------------------------------------------------------------------------


def values_rows(data: AtlasData, indicator_id: str, year: int, kreis: str | None = None
                ) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a Berichtsbaustein's table: the areas in rank order (missing last),
    then the reference row. With ``kreis`` (a zoomed map below the Kreise) only the areas in
    that Kreis (their ranks among all areas of the level)."""
    ind = data.indicator(indicator_id)
    table = analysis.ranking(data, indicator_id, year)
    level = data.level_of(ind.level)
    if kreis and data.zoom(indicator_id, kreis):
        inside = set(level.areas.loc[level.areas["kreis"] == kreis, Col.AGS])
        table = table[table[Col.AGS].isin(inside)]
    compare = ind.kind != "count"
    unit = analysis.difference_unit(ind)
    header = ["Rang", level.singular, f"Wert ({ind.unit_label})"]
    if compare:
        header.append(f"Abweichung vom Vergleichswert ({unit})")
    rows = []
    for row in table.itertuples(index=False):
        cells = ["–" if analysis._isnan(row.rank) else str(int(row.rank)),
                 level.name(row.ags) or row.name,
                 value_cell(row.value, row.status, ind.decimals)]
        if compare:
            cells.append("–" if analysis._isnan(row.deviation)
                         else format_signed(row.deviation, ind.decimals))
        rows.append(cells)
    reference = data.reference(indicator_id, year)
    ref_row = ["", reference.label, reference.text(ind.decimals, "")]
    if compare:
        ref_row.append("")
    rows.append(ref_row)
    return header, rows


def _map_png(data: AtlasData, indicator_id: str, year: int, display: Display | None,
             selected, kreis: str | None, page: export.Page, today: date | None,
             note: str = "") -> bytes:
    fig = export.map_figure(data, indicator_id, year, display=display, selected=selected,
                            note=note, page=page, today=today, kreis=kreis)
    return export.render(fig, "png", page)


def baustein_docx(data: AtlasData, indicator_id: str, year: int | None = None, *,
                  display: Display | None = None, selected=(), kreis: str | None = None,
                  note: str = "", today: date | None = None) -> bytes:
    """The Berichtsbaustein of a map view as a Word document (see the module's docstring);
    ``note`` is printed on the map as on the map export."""
    ind = data.indicator(indicator_id)
    year = export._latest_year(data, indicator_id, year)
    level = data.level_of(ind.level)
    kreis = data.zoom(indicator_id, kreis)
    shown = wording.areas_shown(data, level, kreis)
    title = f"{ind.short_title} {year}"
    doc = _new_document()
    _properties(doc, title, export._author(data, ind, boundaries=level.attribution),
                f"Berichtsbaustein: {shown}; {ind.unit_label}", today)
    doc.add_heading(clean(f"{ind.title} {year}"), level=1)
    _small(doc, f"{shown} · Einheit: {ind.unit_label}", 10)
    png = _map_png(data, indicator_id, year, display, list(selected), kreis,
                   export.page_for("a4"), today, note)
    picture = doc.add_paragraph()
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    add_caption(doc, 1, f"{ind.short_title} {year}, {shown}")
    for text in describe.map_sentences(data, indicator_id, year):
        doc.add_paragraph(clean(text), style="Normal")
    for ags in selected:
        if ags in set(level.keys):
            doc.add_paragraph(clean(describe.area_text(data, indicator_id, ags, year)),
                              style="Normal")
    doc.add_heading("Werte", level=2)
    header, rows = values_rows(data, indicator_id, year, kreis)
    right = {0, 2, 3}
    _table(doc, header, rows, right=right, bold_rows={len(rows) - 1},
           widths=[1.6, 7.0, 4.0, 4.4][:len(header)])
    _small(doc, f"Rang: {rank_note(ind)}. Letzte Zeile: Vergleichswert ({ind.unit_label}).")
    _small(doc, f"Definition: {ind.definition}")
    _small(doc, export.source_line(data, ind, level.attribution))
    _small(doc, export._created(today))
    return _save(doc)


# --- Regionenprofil -----------------------------------------------------------------------------

PROFILE_WORD_HEADER = ["Indikator", "Jahr", "Wert", "Rang", "Vergleichswert", "Abweichung",
                       "Trend"]


def profile_cells(rec) -> list[str]:
    """The cells of one profile row (a record of :func:`atlas.analysis.profile`)."""
    decimals = int(rec.decimals)
    reference = format_number(rec.reference, decimals)
    if rec.reference_basis == "median":  # as in the PDF profile, explained below the tables
        reference += " (Md.)"
    elif rec.reference_basis == "summe":
        reference += " (Σ)"
    trend = analysis.NO_TREND if rec.trend_text == analysis.NO_TREND else "–"
    if rec.trend_direction:  # in the unit of the indicator, for shares in Prozentpunkten
        trend = (f"{rec.trend_arrow} {format_signed(rec.trend_change, decimals)} "
                 f"({rec.trend_from}–{rec.trend_to})")
        if rec.trend_assessment and rec.trend_assessment != analysis.NEUTRAL:
            trend += f", {rec.trend_assessment}"
    deviation = "–" if analysis._isnan(rec.deviation) else format_signed(rec.deviation, decimals)
    return [f"{rec.short_title} ({rec.unit})" if rec.unit else rec.short_title, str(rec.year),
            value_cell(rec.value, rec.status, decimals), rec.rank_text, reference, deviation,
            trend]


def profile_docx(data: AtlasData, ags: str, life_phase: str | None = None, *,
                 level: str = KREIS, today: date | None = None) -> bytes:
    """The Regionenprofil of an area of ``level`` as a Word document: per Lebenslagenbereich a
    heading, a Word table (:data:`PROFILE_WORD_HEADER`) and the generated text on each of its
    indicators; explanation, series breaks, sources, boundaries and export date.

    Raises :class:`atlas.analysis.AnalysisInputError` for an unknown level, area or life phase.
    """
    frame, found, name, place, phase = export.profile_parts(data, ags, life_phase, level)
    doc = _new_document()
    sources = list(dict.fromkeys(data.catalogue.source_of(data.indicator(i)).attribution
                                 for i in frame["indicator"]))
    _properties(doc, f"Regionenprofil {name}", "; ".join(sources),
                f"Regionenprofil: {place}: {name} ({ags}), Lebensphase: {phase}", today)
    doc.add_heading(clean(f"Regionenprofil {name}"), level=1)
    _small(doc, f"{place} · {wording.key_label(found)} {ags} · {wording.areas_shown(data, found)}",
           10)
    _small(doc, f"Lebensphase: {phase} · {len(frame)} Indikatoren mit Wert, je Indikator das "
                "letzte verfügbare Jahr", 10)
    if frame.empty:
        doc.add_paragraph("Für dieses Gebiet gibt es keine Werte.", style="Normal")
    breaks: dict[str, None] = {}
    lights = bool((frame["light"] != "").any()) if len(frame) else False
    header = PROFILE_WORD_HEADER + (["Ampel"] if lights else [])
    widths = [4.6, 1.3, 2.0, 1.9, 2.3, 1.8, 3.1] if not lights else \
        [3.6, 1.3, 1.8, 1.7, 2.1, 1.6, 2.5, 2.4]
    for area_title, rows in frame.groupby("area_title", sort=False):
        doc.add_heading(clean(area_title), level=2)
        cells = [profile_cells(r) + ([r.light_text or "–"] if lights else [])
                 for r in rows.itertuples(index=False)]
        table = _table(doc, header, cells, right={1, 2, 4, 5}, widths=widths)
        if lights:
            for row, rec in zip(table.rows[1:], rows.itertuples(index=False)):
                if rec.light:
                    _shade(row.cells[-1], traffic.FILLS[rec.light])
        for rec in rows.itertuples(index=False):
            text = describe.area_text(data, rec.indicator, ags, int(rec.year))
            doc.add_paragraph(clean(text), style="Normal")
            if rec.trend_note:
                breaks[f"{rec.short_title}: {rec.trend_note}"] = None
    doc.add_heading("Erläuterungen", level=2)
    _small(doc, export.profile_explanation(found))
    if lights:
        named = dict.fromkeys(f"{r.short_title}: {r.thresholds_text}"
                              for r in frame.itertuples(index=False) if r.thresholds_text)
        _small(doc, "Ampel-Schwellen der Arbeitsgruppe: " + "; ".join(named) + ".")
    for text in breaks:
        _small(doc, f"Zeitreihenbruch – {text}")
    _small(doc, "Quellen: " + "; ".join(dict.fromkeys(
        f"{s.attribution} ({s.licence})" for s in (data.catalogue.source_of(data.indicator(i))
                                                   for i in frame["indicator"]))) + ".")
    _small(doc, f"{found.attribution}.")
    _small(doc, export._created(today))
    return _save(doc)


# --- PowerPoint of a Sitzungsfolge --------------------------------------------------------------

#: Smallest font on a slide (pt): readable from the back row.
MIN_SLIDE_FONT = 18
SLIDE_TITLE_FONT = 32
SLIDE_FILE_NAME = "sitzungsfolge.pptx"
#: The map picture of a slide: the slide layout of the map export (1920 × 1080 layout px) at
#: 1,5 times its pixels (2880 × 1620), sharp on a 4K projector or a zoomed slide.
SLIDE_PAGE = replace(export.page_for("folie"), key="folie-hd", width_px=2880, height_px=1620,
                     dpi=144)
#: The largest number of views in one presentation (as the handout).
MAX_SLIDES = export.MAX_HANDOUT_VIEWS


def _plain(text: str) -> str:
    """A figure text (plotly entities, ``<br>``, ``<b>``) as plain text."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("  ", " ").strip()


def _text_box(slide, left, top, width, height, lines: list[tuple]):
    """A text box of ``(text, pt, bold[, colour])`` paragraphs that wraps its text; with a
    colour ("#rrggbb") the paragraph starts with a square of it (a legend entry)."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt as PptPt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for n, (text, size, bold, *colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        if colour and re.fullmatch(r"#[0-9a-fA-F]{6}", colour[0] or ""):
            swatch = paragraph.add_run()
            swatch.text = "■ "
            swatch.font.size = PptPt(max(size, MIN_SLIDE_FONT))
            swatch.font.color.rgb = RGBColor.from_string(colour[0][1:])
        run = paragraph.add_run()
        run.text = clean(text)
        run.font.size = PptPt(max(size, MIN_SLIDE_FONT))
        run.font.bold = bold
    return box


def _set_title(slide, text: str, size: float = SLIDE_TITLE_FONT) -> None:
    from pptx.util import Pt as PptPt

    title = slide.shapes.title
    title.text_frame.text = clean(text)
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = PptPt(size)


def session_pptx(data: AtlasData, views: list[tuple[str, str]], *, base_url: str = "",
                 title: str = "Sitzungsfolge", today: date | None = None) -> bytes:
    """A Sitzungsfolge as a 16:9 presentation: a title slide listing the views, then per
    ``(name, query)`` a slide titled with the view's name (else indicator and year) holding the
    view's map as a picture (the slide PNG of :func:`atlas.export.map_figure`, 2880 × 1620 px),
    its reference and legend, and its source, licence and boundaries line; the speaker notes
    hold the generated text (key figures) and the view's link (``base_url`` + ``?query``).
    Every text is at least :data:`MIN_SLIDE_FONT` pt.

    Raises
    ------
    atlas.export.ExportError
        Empty list, too many views, or a query naming something unknown (German, naming the
        view).
    """
    from pptx import Presentation
    from pptx.util import Emu, Inches

    from atlas.figures import map_view
    from atlas.urlstate import parse_state

    if not views:
        raise export.ExportError("Die Sitzungsfolge ist leer: es gibt keine Ansicht für die "
                                 "Präsentation.")
    if len(views) > MAX_SLIDES:
        raise export.ExportError(f"Höchstens {MAX_SLIDES} Ansichten in einer Präsentation; die "
                                 f"Liste hat {len(views)}.")
    states = []
    for n, (name, query) in enumerate(views, start=1):
        state, problems = parse_state(query, data)
        if problems:
            label = f"Ansicht {n}" + (f" („{name}“)" if name else "")
            raise export.ExportError(f"{label}: {' '.join(problems)}")
        states.append(state)
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9, 33,867 × 19,05 cm
    width = deck.slide_width
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    _set_title(cover, title, 44)
    entries = []
    for (name, _), state in zip(views, states):
        ind = data.indicator(state.indicator)
        year = export._latest_year(data, state.indicator, state.year)
        entries.append(name or f"{ind.short_title} {year}")
    subtitle = cover.placeholders[1]
    subtitle.text_frame.text = clean(
        f"{len(views)} Ansicht{'en' if len(views) != 1 else ''} · {export._created(today)}")
    for run in (r for p in subtitle.text_frame.paragraphs for r in p.runs):
        from pptx.util import Pt as PptPt
        run.font.size = PptPt(24)
    cover.notes_slide.notes_text_frame.text = clean(
        "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, start=1)))
    page = SLIDE_PAGE
    for n, ((name, query), state, entry) in enumerate(zip(views, states, entries), start=1):
        ind = data.indicator(state.indicator)
        year = export._latest_year(data, state.indicator, state.year)
        level = data.level_of(ind.level)
        view = map_view(data, state.indicator, year, display=state.display)
        slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
        _set_title(slide, entry)
        title_shape = slide.shapes.title
        title_shape.left, title_shape.top = Inches(0.4), Inches(0.2)
        title_shape.width, title_shape.height = width - Inches(0.8), Inches(0.9)
        png = _map_png(data, state.indicator, year, state.display, list(state.selected),
                       state.zoom, page, today)
        picture_height = Inches(5.0)
        picture = slide.shapes.add_picture(io.BytesIO(png), Inches(0.4), Inches(1.15),
                                           height=picture_height)
        panel_left = picture.left + picture.width + Inches(0.25)
        reference = data.reference(state.indicator, year)
        legend = [(_plain(label), MIN_SLIDE_FONT, False, colour) for label, colour in view.legend]
        _text_box(slide, panel_left, Inches(1.15), width - panel_left - Inches(0.3),
                  picture_height,
                  [(f"{reference.label} {year}: {reference.text(ind.decimals, ind.unit)}",
                    20, True), (f"{ind.unit_label}:", MIN_SLIDE_FONT, False), *legend])
        _text_box(slide, Inches(0.4), Inches(6.25), width - Inches(0.8), Inches(1.1),
                  [(export.source_line(data, ind, level.attribution), MIN_SLIDE_FONT, False)])
        notes = [f"Ansicht {n}: {entry} ({ind.short_title} {year})",
                 *describe.map_sentences(data, state.indicator, year)]
        notes += [describe.area_text(data, state.indicator, ags, year)
                  for ags in state.selected if ags in set(level.keys)]
        notes.append(f"Link: {base_url.rstrip('/')}/?{query}" if base_url else f"Link: ?{query}")
        slide.notes_slide.notes_text_frame.text = clean("\n".join(notes))
    props = deck.core_properties
    props.title = clean(title)
    props.author = clean("; ".join(dict.fromkeys(
        data.catalogue.source_of(data.indicator(s.indicator)).attribution for s in states)))[:250]
    props.subject = clean(f"Sitzungsfolge mit {len(views)} Ansichten: " + "; ".join(entries))[:250]
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
