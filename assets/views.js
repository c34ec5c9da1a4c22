/*
 * Sozialstrukturatlas Thüringen – the views that follow the year without asking the server.
 *
 * The server sends, per indicator, every year of the map as patches
 * (atlas.figures.map_frames). A change of year applies one of them here, so the map repaints at
 * once and no request is made:
 *
 *   slider    the moment the slider shows another year (its thumb's aria-valuenow changes, by
 *             key, pointer, the presentation keys or the animation), that year's frame is drawn
 *             at once with Plotly.react on the map's graph, before the browser paints: slider,
 *             year box and map change in the same frame, and any other drawing of the map in
 *             another year is redrawn in the slider's year right away (keepSliderYear); the
 *             year is the thumb's, not Dash's value, which the slider takes over a render
 *             later (sliderYear); Dash's figure catches up when the
 *             slider rests (applyMapFrame on YEAR_SETTLED); everything else that follows the year
 *             (texts, table, address, time-series shading, other tabs) waits until the slider
 *             rests (settleYear), so the map's repaint comes first and a change of year starts
 *             no Dash callback;
 *   callback  applyMapFrame sets the frame on Dash's figure: new frames (another indicator,
 *             display, selection), the year the slider settled on, any year the slider path did
 *             not draw; a frame Dash's figure already has is not set twice.
 *
 * Clientside callbacks (namespace "views", registered in callbacks/views.py, exports.py,
 * analysis.py, selection.py and presentation.py); gates stop callbacks whose result nobody would
 * see (a hidden tab, an empty Sitzungsfolge, a year that has data anyway).
 */
(function () {
    'use strict';

    var dc = window.dash_clientside = window.dash_clientside || {};

    function noUpdate() {
        return dc.no_update;
    }

    /* ids and current props of the components the scripts read (the presentation bar carries
       the ids as data-ids, layouts/presentation.py SCRIPT_IDS); also used by presentation.js */
    var page = window.atlasPage = {
        ids: function () {
            var bar = document.querySelector('.present-bar');
            try {
                return JSON.parse((bar && bar.getAttribute('data-ids')) || '{}');
            } catch (e) {
                return {};
            }
        },
        props: function (id) {
            var api = window.dash_component_api;
            var layout = id && api && api.getLayout ? api.getLayout(id) : null;
            return (layout && layout.props) || {};
        }
    };

    function assignAll(patch, ops) {
        (ops || []).forEach(function (op) {
            patch.assign(op[0], op[1]);
        });
    }

    /* the frames of one indicator ({years, base, frames}) from MAP_FRAMES ({sets: {id: …}}) */
    function framesOf(store, indicator) {
        return (store && store.sets && store.sets[indicator]) || null;
    }

    /* the patch of one year of an indicator's frames, or null (no such year, no frames) */
    function framePatch(frames, year) {
        var ops = frames && frames.frames[String(year)];
        if (!ops || !dc.Patch) {
            return null;
        }
        var patch = new dc.Patch();
        assignAll(patch, frames.base);
        assignAll(patch, ops);
        return patch.build();
    }

    // the frame the map shows; synced: Dash's figure has it too
    var painted = {frames: null, year: null, synced: true};
    var SETTLE_MS = 150;

    /* a copy of the figure with the assignments made: containers along each path are copied,
       everything else (the geometry above all) is shared */
    function withOps(figure, ops) {
        var next = Object.assign({}, figure);
        ops.forEach(function (op) {
            var path = op[0];
            var parent = next;
            for (var i = 0; i < path.length - 1; i++) {
                var child = parent[path[i]];
                child = Array.isArray(child) ? child.slice() : Object.assign({}, child);
                parent[path[i]] = child;
                parent = child;
            }
            parent[path[path.length - 1]] = op[1];
        });
        return next;
    }

    /* draw one year of an indicator at once with Plotly.react on the map's graph; Dash's figure
       catches up later (applyMapFrame): every writer of the map sets all parts that depend on
       indicator and year, so nothing older can come back */
    function paintNow(indicator, year) {
        var ids = page.ids();
        var frames = framesOf(page.props(ids.frames).data, indicator);
        var ops = frames && frames.frames[String(year)];
        if (!ops || (painted.frames === frames && painted.year === year &&
                     mapYear() === String(year))) {
            return;  // a year without data, frames not here yet (they are on their way), or done
        }
        var figure = page.props(ids.map).figure;
        var graph = document.querySelector('#' + ids.map + ' .js-plotly-plot');
        if (!window.Plotly || !graph || !figure || !figure.data) {
            return;  // applyMapFrame paints it
        }
        var next = withOps(figure, frames.base.concat(ops));
        window.Plotly.react(graph, next.data, next.layout);
        painted = {frames: frames, year: year, synced: false};
        if (dc.set_props) {
            /* Dash's figure is this one at once: the graph draws its figure again when its
               other props change (hover, relayout), and that must not be a year the slider
               has left */
            dc.set_props(ids.map, {figure: next});
            painted.synced = true;
        }
    }

    /* the year the slider shows: its thumb (the year box shows the same). Dash's value of the
       slider runs ahead of it: the slider takes a new value into its own state a render later,
       on a busy machine some hundred milliseconds later; the map follows the thumb, so slider,
       year box and map change in one frame */
    function sliderYear() {
        var ids = page.ids();
        var value = page.props(ids.year).value;
        var thumb = ids.year ? document.querySelector('#' + ids.year + ' [role=slider]') : null;
        var year = thumb ? parseFloat(thumb.getAttribute('aria-valuenow')) : NaN;
        if (value === null || value === undefined || !isFinite(year)) {
            return value;  // no year yet (the thumb stands on its placeholder)
        }
        return year;
    }

    function paintSliderYear() {
        paintNow(page.props(page.ids().indicator).value, sliderYear());
    }

    /* after any drawing of the map: should it show another year than the slider (Dash's graph
       drawing its figure of a year the slider has left, or of one it has not reached yet), the
       slider's year is drawn again right away, before the browser paints */
    var keeping = {pending: false, count: 0};  // redraws on their way, and in this frame

    function keepSliderYear() {
        var year = sliderYear();
        var shown = mapYear();
        if (keeping.pending || keeping.count >= 4 || shown === null || year === null ||
                year === undefined || shown === String(year)) {
            return;
        }
        keeping.pending = true;
        if (!keeping.count++) {
            window.requestAnimationFrame(function () { keeping.count = 0; });
        }
        window.Promise.resolve().then(function () {
            keeping.pending = false;
            paintSliderYear();
        });
    }

    /* a value that follows another once it rests: at once the first time, later SETTLE_MS
       after the last change, so the server requests that follow it (heading, table, address,
       texts, time series, other tabs) do not compete with the map's repaint, and a held key or
       an animation asks the server once it rests */
    var settlers = {};

    function settleLater(name, targetId, value) {
        var state = settlers[name] = settlers[name] || {first: false, timer: null};
        if (value === null || value === undefined || !dc.set_props || !targetId) {
            return;
        }
        if (state.timer) {
            window.clearTimeout(state.timer);
        }
        var set = function () {
            state.timer = null;
            if (page.props(targetId).data !== value) {
                dc.set_props(targetId, {data: value});
            }
        };
        if (!state.first) {
            state.first = true;
            set();
        } else {
            state.timer = window.setTimeout(set, SETTLE_MS);
        }
    }

    /* YEAR_SETTLED follows the year; set from here, not by a callback on the year, so a change
       of year starts no Dash callback at all */
    function settleYear() {
        settleLater('year', page.ids().settled, sliderYear());
    }

    function yearShown() {
        paintSliderYear();
        settleYear();
    }

    /* one year everywhere: the texts naming the map's year (heading, presentation title:
       class "shown-year", layouts/panels.py) get the year the map shows (layout.meta.year of
       every map figure and frame) right when the map is drawn, and keep it when the server's
       texts for a year the slider has left arrive late */
    var YEAR_TEXTS = '.shown-year';

    function mapYear() {
        var graph = document.querySelector('#' + page.ids().map + ' .js-plotly-plot');
        var meta = graph && graph.layout && graph.layout.meta;
        return meta && meta.year !== undefined && meta.year !== null ? String(meta.year) : null;
    }

    function syncYearTexts() {
        var year = mapYear();
        if (year === null) {
            return;
        }
        document.querySelectorAll(YEAR_TEXTS).forEach(function (el) {
            if (el.textContent !== year) {
                el.textContent = year;
            }
        });
    }

    var watched = null;
    var watchedGraph = null;
    var watchedTexts = [];

    /* watch the slider from the moment it is on the page (and again should it be replaced),
       the map's drawing and the texts that name its year */
    function watchSlider() {
        var ids = page.ids();
        var slider = document.getElementById(ids.year);
        if (slider && slider !== watched && window.MutationObserver) {
            watched = slider;
            new window.MutationObserver(yearShown).observe(
                slider, {attributes: true, attributeFilter: ['aria-valuenow'], subtree: true});
            yearShown();
        }
        var graph = document.querySelector('#' + ids.map + ' .js-plotly-plot');
        if (graph && graph !== watchedGraph && typeof graph.on === 'function') {
            watchedGraph = graph;
            graph.on('plotly_afterplot', keepSliderYear);
            graph.on('plotly_react', keepSliderYear);
            graph.on('plotly_afterplot', syncYearTexts);
            syncYearTexts();
        }
        [ids.heading, ids.title].forEach(function (id) {
            var el = id ? document.getElementById(id) : null;
            if (el && watchedTexts.indexOf(el) < 0 && window.MutationObserver) {
                watchedTexts.push(el);
                new window.MutationObserver(syncYearTexts).observe(
                    el, {childList: true, subtree: true, characterData: true});
                syncYearTexts();
            }
        });
    }

    window.setInterval(watchSlider, 250);

    dc.views = {
        /* INDICATOR.value → INDICATOR_SETTLED.data (see settleLater) */
        settleIndicator: function (indicator) {
            var id = ((dc.callback_context || {}).outputs_list || {}).id;
            settleLater('indicator', id, indicator);
            return noUpdate();
        },

        /* INDICATOR.value → (nothing): another indicator whose frames the browser holds (the
           Gemeinde level) is drawn at once, in the year the slider will show (the one shown if
           the indicator has it, else its newest, as the server's year list decides) */
        paintIndicator: function (indicator) {
            var ids = page.ids();
            var frames = framesOf(page.props(ids.frames).data, indicator);
            if (frames && frames.years.length) {
                var year = page.props(ids.year).value;
                paintNow(indicator, frames.years.indexOf(year) >= 0 ? year :
                    frames.years[frames.years.length - 1]);
            }
            return noUpdate();
        },

        /* YEAR_SETTLED.data, MAP_FRAMES.data, INDICATOR.value → MAP.figure: the frame of the
           indicator and year shown now on Dash's figure (what paintNow drew, or new frames:
           another display, selection, zoom); a frame Dash's figure has already is not set */
        applyMapFrame: function () {
            var ids = page.ids();
            var year = sliderYear();
            var frames = framesOf(page.props(ids.frames).data, page.props(ids.indicator).value);
            if (!frames || year === null || year === undefined ||
                    (painted.frames === frames && painted.year === year && painted.synced)) {
                return noUpdate();
            }
            var patch = framePatch(frames, year);
            if (!patch) {
                return noUpdate();  // a year without data: the slider snaps to one with data
            }
            painted = {frames: frames, year: year, synced: true};
            return patch;
        },

        /* YEAR.value, TIMESERIES_DRAWN.data, State TIMESERIES.figure → the year's shading */
        /* TABLE_DATA.data ({note, head, rows}, layouts/panels.py values_table) → TABLE.children:
           the values table built here from its texts; every text is a text node (children
           strings), never Markdown or HTML. The last row is the reference. */
        valuesTable: function (table) {
            if (!table || !table.rows) {
                return noUpdate();
            }
            function el(type, children, className) {
                var props = {children: children};
                if (className) {
                    props.className = className;
                }
                return {type: type, namespace: 'dash_html_components', props: props};
            }
            function cells(type, texts) {
                return texts.map(function (text, i) {
                    return el(type, String(text), i === 0 || i === texts.length - 1 ?
                        'text-end' : null);
                });
            }
            return [
                el('P', String(table.note), 'small text-muted mb-1'),
                el('Div', el('Table', [
                    el('Thead', el('Tr', cells('Th', table.head))),
                    el('Tbody', table.rows.map(function (row) {
                        return el('Tr', cells('Td', row));
                    }))
                ]), 'values-table')
            ];
        },

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
