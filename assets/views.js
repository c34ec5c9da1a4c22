/*
 * Sozialstrukturatlas Thüringen – the views that follow the year without asking the server.
 *
 * Clientside callbacks (namespace "views", registered in callbacks/views.py, exports.py,
 * analysis.py, selection.py and presentation.py). The server sends, per indicator, every year of
 * the map as patches (atlas.figures.map_frames); a change of year applies one of them here, so
 * the map repaints at once and no request is made. Gates stop callbacks whose result nobody
 * would see (a hidden tab, an empty Sitzungsfolge, a year that has data anyway).
 */
(function () {
    'use strict';

    var dc = window.dash_clientside = window.dash_clientside || {};

    function noUpdate() {
        return dc.no_update;
    }

    function assignAll(patch, ops) {
        (ops || []).forEach(function (op) {
            patch.assign(op[0], op[1]);
        });
    }

    dc.views = {
        /* YEAR.value, MAP_FRAMES.data → MAP.figure: the year's values, colours and legend */
        applyMapFrame: function (year, frames) {
            if (!frames || !frames.frames || year === null || year === undefined) {
                return noUpdate();
            }
            var ops = frames.frames[String(year)];
            if (!ops || !dc.Patch) {
                return noUpdate();  // a year without data: the slider snaps to one with data
            }
            var patch = new dc.Patch();
            assignAll(patch, frames.base);
            assignAll(patch, ops);
            return patch.build();
        },

        /* YEAR.value, TIMESERIES_DRAWN.data, State TIMESERIES.figure → the year's shading */
        moveYearMarker: function (year, drawn, figure) {
            var shapes = figure && figure.layout && figure.layout.shapes;
            if (!drawn || !shapes || !shapes.length || year === null || year === undefined ||
                    !dc.Patch) {
                return noUpdate();
            }
            var shape = shapes[0];
            var half = (shape.x1 - shape.x0) / 2;
            if (shape.visible !== false && shape.x0 + half === year) {
                return noUpdate();
            }
            return new dc.Patch()
                .assign(['layout', 'shapes', 0, 'x0'], year - half)
                .assign(['layout', 'shapes', 0, 'x1'], year + half)
                .assign(['layout', 'shapes', 0, 'visible'], true)
                .build();
        },

        /* TABS.active_tab, then the tab's inputs → the tab's view store {type, tab}, only while
           that tab is shown */
        tabGate: function (tab) {
            var context = dc.callback_context || {};
            var wanted = ((context.outputs_list || {}).id || {}).tab;
            if (tab !== wanted) {
                return noUpdate();
            }
            return Array.prototype.slice.call(arguments, 1);
        },

        /* YEAR.value, State YEARS.data → YEAR_SHOWN (a year with data) or YEAR_GAP (snap it) */
        yearGate: function (year, years) {
            if (year === null || year === undefined) {
                return [noUpdate(), noUpdate()];
            }
            if ((years || []).indexOf(year) >= 0) {
                return [year, noUpdate()];
            }
            return [noUpdate(), year];
        },

        /* VIEW_QUERY.data, EXPORT_NOTE.value, State EXPORT_ENTRIES.data → the menus' links */
        exportLinks: function (query, note, entries) {
            if (query === null || query === undefined) {
                return noUpdate();
            }
            return (entries || []).map(function (entry) {
                var params = new window.URLSearchParams(query);
                var extra = entry[1] || {};
                Object.keys(extra).forEach(function (key) {
                    params.set(key, extra[key]);
                });
                if (entry[2] && note) {
                    params.set('notiz', note);
                }
                return entry[0] + '?' + params.toString();
            });
        },

        /* VIEW_QUERY.data, State PLAYLIST.data → the query, only when a Sitzungsfolge exists */
        playlistGate: function (query, stored) {
            return stored && stored.length ? query : noUpdate();
        },

        /* URL.search, State URL_ECHO.data → the search, unless the page wrote it itself */
        urlGate: function (search, echo) {
            return search && search === echo ? noUpdate() : (search || '');
        }
    };
}());
