"""Component ids: the only place they are spelled out."""

import json

URL = "url"
URL_SEARCH = "url-search"  # the address's query when it is a request (not written by the page)
ALERT = "alert"
REQUEST = "url-request"  # view requested by the URL, applied once on load

LIFE_PHASE = "life-phase"
AREA = "area"
INDICATOR = "indicator"
INDICATOR_SETTLED = "indicator-settled"  # the indicator once the choice rests (texts follow it)
YEAR = "year"
YEAR_SHOWN = "year-shown"  # last year with data that was shown (for snapping over gaps)
YEAR_SETTLED = "year-settled"  # the year the slider rests on (texts and URL follow it)
YEAR_GAP = "year-gap"  # a year without data the slider stepped onto (snapped by the server)
DISTRICTS = "districts"

HEADING = "heading"
INFO = "info-panel"
#: The indicator the info box shows (a year step re-draws only a Sozialindex's box).
INFO_FOR = "info-panel-for"
MAP = "map"
MAP_NOTE = "map-note"
MAP_SOURCE = "map-source"  # source, licence and boundaries right under the map
#: the map's description (atlas.figures.map_description: figure, frames, overlays); drawn by the
#: one renderer of the map (renderMap in assets/views.js), the only writer of MAP.figure
MAP_DESCRIPTION = "map-description"
MAP_RENDERED = "map-rendered"  # the renderer's callback output (nothing is written to it)
TIMESERIES = "timeseries"
TIMESERIES_NOTE = "timeseries-note"
TIMESERIES_TITLE = "timeseries-title"
TABLE = "values-table"
TABLE_DATA = "values-table-data"  # the table's texts (layouts.panels.values_table), drawn in the browser
ATTRIBUTION = "attribution"

TABS = "tabs"
TAB_CHOSEN = "tab-chosen"  # how often the user chose a view tab (a late URL answer must not undo it)
#: the view tab shown, once its content is in the page (tabs other than the map come with their
#: content only when first shown: layouts/tabs.py lazy); the tab gates follow it
TAB_SHOWN = "tab-shown"
TAB_FROM_URL = "tab-from-url"  # the tab a URL asks for, with TAB_CHOSEN when it was asked
MAIN = "main"  # the page's <main>
ANNOUNCE = "announce"  # aria-live: the view shown, said politely after each change (assets/a11y.js)
MAP_FIGURE = "map-figure"  # the map as a named figure (its text alternative), the skip link's target
TABLE_REGION = "values-table-region"  # the values table's frame, target of „Zur Tabelle“
# map display (classification)
SCHEME = "class-scheme"
CLASSES = "class-k"
PALETTE = "class-palette"
MANUAL_BREAKS = "class-manual-breaks"

RANKING = "ranking"
RANKING_NOTE = "ranking-note"  # what a click on a bar does; which Gemeinden are ranked
SCATTER = "scatter"
SCATTER_Y = "scatter-y"
SCATTER_SIZE = "scatter-size"
SCATTER_Y_FOR = "scatter-y-for"  # the first indicator the second was suggested for
SCATTER_STATS = "scatter-stats"
PROFILE = "profile"
CHANGE_FROM = "change-from"
CHANGE_TO = "change-to"
CHANGE_MAP = "change-map"
CHANGE_NOTE = "change-note"
CHANGE_FIGURE = "change-figure"  # the change map's named frame (role figure)
CHANGE_TABLE_REGION = "change-table-region"  # its table's frame, target of „Zur Tabelle“
CHANGE_TABLE = "change-table"
CHANGE_TABLE_DATA = "change-table-data"  # the table's texts (the browser builds it: valuesTable)
CLUSTER_MAP = "cluster-map"
CLUSTER_STATS = "cluster-stats"
CLUSTER_FIGURE = "cluster-figure"
CLUSTER_TABLE_REGION = "cluster-table-region"
CLUSTER_TABLE = "cluster-table"
CLUSTER_TABLE_DATA = "cluster-table-data"
PRINT_PROFILE = "print-profile"
# similar areas and types ("Ähnliche Gebiete und Typen")
PEERS_INDICATORS = "peers-indicators"  # the indicators compared (multi-select)
PEERS_LEVEL = "peers-level"  # the level the indicator choice was made for
PEERS_K = "peers-k"  # the number of types
PEERS_YEARS = "peers-years"  # the years used, named
PEERS_SIMILAR = "peers-similar"  # the table of the selected area's most similar areas
PEERS_MAP = "peers-map"  # the map of the types
PEERS_TYPES = "peers-types"  # the table of the types
PEERS_CAVEAT = "peers-caveat"
# "Datenstand" (layouts/coverage.py): how old and complete the data are
COVERAGE_SUMMARY = "coverage-summary"
COVERAGE_AREAS = "coverage-areas"  # the newest year per Lebenslagenbereich
COVERAGE_TEXT = "coverage-text"  # search in the table
COVERAGE_AREA = "coverage-area"
COVERAGE_SORT = "coverage-sort"
COVERAGE_ONLY = "coverage-only"
COVERAGE_COUNT = "coverage-count"
COVERAGE_TABLE = "coverage-table"
COVERAGE_CHANGES = "coverage-changes"  # the last build's change report
#: "Stand: <year>" beside the indicator's title (layouts/panels.py stand; in presentation mode
#: the same text is in the presentation's subtitle)
STAND = "stand"
#: Stores {"type": TAB_VIEW, "tab": …, "part": …}: a tab's inputs, passed on only while it is shown
TAB_VIEW = "tab-view"
TAB_VIEWS = (("ranking", ""), ("scatter", ""), ("scatter", "partner"), ("scatter", "choices"), ("profile", ""),
             ("change", "years"),
             ("change", ""), ("clusters", ""), ("peers", "choice"), ("peers", ""),
             ("datenstand", ""), ("datenstand", "table"), ("own", "revision"))


def tab_view(tab: str, part: str = "") -> dict:
    return {"type": TAB_VIEW, "tab": tab, "part": part}



# own data ("Eigene Daten")
OWN_UPLOAD = "own-upload"
OWN_LEVEL = "own-level"  # the level a table is for: "" = Kreise/Gemeinden by their keys
OWN_PREVIEW = "own-preview"
OWN_SERIES = "own-series"
OWN_FORM = "own-form"
OWN_ID = "own-id"
OWN_TITLE = "own-title"
OWN_UNIT = "own-unit"
OWN_DECIMALS = "own-decimals"
OWN_KIND = "own-kind"
OWN_AREA = "own-area"
OWN_PHASES = "own-phases"
OWN_POLARITY = "own-polarity"
OWN_SOURCE = "own-source"
OWN_LICENCE = "own-licence"
OWN_DEFINITION = "own-definition"
OWN_CONFIRM = "own-confirm"
OWN_CANCEL = "own-cancel"
OWN_REPLACE = "own-replace"  # checkbox „Vorhandene Daten ersetzen“ (previous version → Papierkorb)
OWN_STATUS = "own-status"
OWN_LIST = "own-list"
OWN_DELETE_CHOICE = "own-delete-choice"
OWN_DELETE = "own-delete"
TRASH_LIST = "trash-list"  # the Papierkorb of own data (deleted and replaced versions)
TRASH_RESTORE = "trash-restore"  # pattern type of a "Wiederherstellen" button: {type, entry, id}
TRASH_STATUS = "trash-status"
OWN_VISIBILITY = "own-visibility"  # intern/öffentlich of a new import
VISIBILITY_CHOICE = "visibility-choice"  # "Sichtbarkeit": which own indicator, definition, level
VISIBILITY_VALUE = "visibility-value"
VISIBILITY_SET = "visibility-set"
VISIBILITY_STATUS = "visibility-status"
OWN_REVISION = "own-revision"  # bumped after an import or deletion: refreshes indicator lists
# computed indicators and the Sozialindex in the "Eigene Daten" tab (layouts/formulas.py)
OWN_SECTIONS = "own-sections"  # the sub-tabs: tables and areas, "Indikator berechnen", "Sozialindex"
DERIVE_LEVEL = "derive-level"
DERIVE_KIND = "derive-kind"
DERIVE_RATE = "derive-rate"  # the fields of a rate (hidden for a change)
DERIVE_NUMERATOR = "derive-numerator"
DERIVE_DENOMINATOR = "derive-denominator"
DERIVE_FACTOR = "derive-factor"
DERIVE_FACTOR_OTHER = "derive-factor-other"
DERIVE_FACTOR_OTHER_BOX = "derive-factor-other-box"
DERIVE_CHANGE = "derive-change"  # the fields of a change (hidden for a rate)
DERIVE_INDICATOR = "derive-indicator"
DERIVE_YEAR_FROM = "derive-year-from"
DERIVE_YEAR_TO = "derive-year-to"
DERIVE_PERCENT = "derive-percent"
DERIVE_TITLE = "derive-title"
DERIVE_ID = "derive-id"
DERIVE_UNIT = "derive-unit"
DERIVE_POLARITY = "derive-polarity"
DERIVE_NOTE = "derive-note"
DERIVE_SAVE = "derive-save"
DERIVE_NEW = "derive-new"
DERIVE_EDITING = "derive-editing"  # id of the stored definition being edited (None: a new one)
DERIVE_HEAD = "derive-head"
DERIVE_STATUS = "derive-status"
INDEX_LEVEL = "index-level"
INDEX_PARTS = "index-parts"  # the rows of the parts; one writer (callbacks/formulas.py)
#: {"type": INDEX_PART, "field": "indicator"|"weight"|"direction"|"remove", "index": row}
INDEX_PART = "index-part"
INDEX_LOAD = "index-load"  # the parts of a definition loaded for editing
INDEX_ADD = "index-add"
INDEX_METHOD = "index-method"
INDEX_YEAR = "index-year"
INDEX_TITLE = "index-title"
INDEX_ID = "index-id"
INDEX_NOTE = "index-note"
INDEX_SAVE = "index-save"
INDEX_NEW = "index-new"
INDEX_EDITING = "index-editing"
INDEX_HEAD = "index-head"
INDEX_STATUS = "index-status"
FORMULA_LIST = "formula-list"
FORMULA_STATUS = "formula-status"
#: {"type": FORMULA_ACTION, "action": "edit"|"show"|"show-new", "id": definition}: buttons made
#: by callbacks (the list, the message after saving)
FORMULA_ACTION = "formula-action"
#: {"type": FORMULA_DELETE, "id": definition}: the list's "Löschen" (with a confirmation)
FORMULA_DELETE = "formula-delete"
#: Pattern types only in content callbacks make (not in the initial layout).
GENERATED_TYPES = (FORMULA_ACTION, FORMULA_DELETE, TRASH_RESTORE)
# "Eigene Gebiete" (own levels) in the "Eigene Daten" tab
LEVEL_UPLOAD = "level-upload"
LEVEL_COLUMNS = "level-columns"  # the key/name choice (boundary files only)
LEVEL_KEY = "level-key"
LEVEL_NAME = "level-name"
LEVEL_PREVIEW = "level-preview"
LEVEL_FORM = "level-form"
LEVEL_ID = "level-id"
LEVEL_TITLE = "level-title"
LEVEL_SINGULAR = "level-singular"
LEVEL_STAND = "level-gebietsstand"
LEVEL_SOURCE = "level-source"
LEVEL_LICENCE = "level-licence"
LEVEL_CONFIRM = "level-confirm"
LEVEL_CANCEL = "level-cancel"
LEVEL_STATUS = "level-status"
LEVEL_LIST = "level-list"
LEVEL_DELETE_CHOICE = "level-delete-choice"
LEVEL_DELETE = "level-delete"

# exports
EXPORT_NOTE = "export-note"
EXPORT_MAP = "export-map"
EXPORT_CHART = "export-chart"
EXPORT_DATA = "export-data"
EXPORT_PROFILE = "export-profile"
EXPORT_LINK = "export-link"  # {"type": EXPORT_LINK, "index": n}: the menu entries
EXPORT_ENTRIES = "export-entries"  # path, fixed parameters and note flag of each entry

# shareable views, presentation mode and Sitzungsfolge (layouts/presentation.py)
ROOT = "atlas-root"
VIEW_QUERY = "view-query"  # query string of the current view, written to the URL when settled
URL_ECHO = "url-echo"  # the search the page wrote itself (not a navigation: nothing to apply)
MODE = "view-mode"  # "" (normal) or "praesentation"
YEARS = "years-with-data"  # years of the current indicator (for stepping with the keyboard)
SHARE_LINK = "share-link"
SHARE_COPY = "share-copy"
SHARE_STATUS = "share-status"
PRESENT = "present-start"
PRESENT_BAR = "present-bar"
PRESENT_TITLE = "present-title"
PRESENT_SUBTITLE = "present-subtitle"
PRESENT_SOURCE = "present-source"
PRESENT_PREV_YEAR = "present-prev-year"
PRESENT_NEXT_YEAR = "present-next-year"
PRESENT_PLAY = "present-play"
PRESENT_PREV_INDICATOR = "present-prev-indicator"
PRESENT_NEXT_INDICATOR = "present-next-indicator"
PRESENT_PREV_VIEW = "present-prev-view"
PRESENT_NEXT_VIEW = "present-next-view"
PRESENT_VIEW_POS = "present-view-pos"
PRESENT_LABELS = "present-labels"
PRESENT_FULLSCREEN = "present-fullscreen"
PRESENT_TABLE = "present-table"  # shows the table of the map values beside the map
PRESENT_EXIT = "present-exit"
LABELS = "map-labels"  # district names on the map in presentation mode (kept in the browser)
PLAYLIST = "playlist"  # the Sitzungsfolge, kept in the browser (localStorage)
PLAYLIST_POS = "playlist-pos"
PLAYLIST_QUERY = "playlist-query"  # the view shown, passed on only while a Sitzungsfolge exists
PLAYLIST_NAME = "playlist-name"
PLAYLIST_ADD = "playlist-add"
PLAYLIST_LIST = "playlist-list"
PLAYLIST_STATUS = "playlist-status"
PLAYLIST_EXPORT = "playlist-export"
PLAYLIST_DOWNLOAD = "playlist-download"
PLAYLIST_UPLOAD = "playlist-upload"
PLAYLIST_CLEAR = "playlist-clear"
PLAYLIST_PRESENT = "playlist-present"
HANDOUT = "handout"
HANDOUT_DOWNLOAD = "handout-download"
SLIDES = "slides"  # the Sitzungsfolge as PowerPoint (atlas.report.office.session_pptx)
SLIDES_DOWNLOAD = "slides-download"

# Gemeinde level
LEVEL = "level"  # "kreis" or "gemeinde": which regions the indicator list and the map show
ZOOM_KREIS = "zoom-kreis"  # at Gemeinde level: the Kreis whose Gemeinden are shown
ZOOM_BOX = "zoom-kreis-box"
ZOOM_NOTE = "zoom-note"  # which areas the zoom shows, with their Gebietsstand
MAP_DRAWN = "map-drawn"  # which geometry the browser holds (level, zoomed Kreis)
TIMESERIES_DRAWN = "timeseries-drawn"  # indicator and Kreise the time series figure was drawn for

# accounts (atlas.auth): the login state in the header, the hint for visitors in „Eigene Daten“
ACCOUNT = "konto"
OWN_LOGIN_HINT = "own-login-hint"


def dom_id(component_id) -> str:
    """A component id as Dash writes it in the page and in a callback request's
    ``changedPropIds`` (a pattern id as JSON with sorted keys and no spaces)."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return component_id
