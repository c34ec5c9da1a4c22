"""Component ids: the only place they are spelled out."""

URL = "url"
ALERT = "alert"
REQUEST = "url-request"  # view requested by the URL, applied once on load

LIFE_PHASE = "life-phase"
AREA = "area"
INDICATOR = "indicator"
YEAR = "year"
YEAR_SHOWN = "year-shown"  # last year with data that was shown (for snapping over gaps)
DISTRICTS = "districts"

HEADING = "heading"
INFO = "info-panel"
MAP = "map"
MAP_NOTE = "map-note"
TIMESERIES = "timeseries"
TIMESERIES_NOTE = "timeseries-note"
TABLE = "values-table"
ATTRIBUTION = "attribution"

TABS = "tabs"
# map display (classification)
SCHEME = "class-scheme"
CLASSES = "class-k"
PALETTE = "class-palette"
MANUAL_BREAKS = "class-manual-breaks"

RANKING = "ranking"
SCATTER = "scatter"
SCATTER_Y = "scatter-y"
SCATTER_SIZE = "scatter-size"
SCATTER_STATS = "scatter-stats"
PROFILE = "profile"
CHANGE_FROM = "change-from"
CHANGE_TO = "change-to"
CHANGE_MAP = "change-map"
CHANGE_NOTE = "change-note"
CLUSTER_MAP = "cluster-map"
CLUSTER_STATS = "cluster-stats"
PRINT_PROFILE = "print-profile"
