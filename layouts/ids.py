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
