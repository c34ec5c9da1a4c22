/*
 * Sozialstrukturatlas Thüringen – the map's one renderer, and the views that follow the year
 * without asking the server.
 *
 * One writer of the map. renderMap (below) is the only code that writes the map's figure: it
 * sets Dash's `figure` prop of the graph (dash_clientside.set_props), which the graph draws; on
 * a change of year by the slider it draws the figure at once, so slider, year box and map
 * change in one frame (a recolour where it can, see recolour: the areas' colours and the
 * year's texts without plotly's full drawing; else Plotly.react), and sets the same figure as
 * Dash's prop once the slider rests (renderMapProp: Dash's graph would draw it a second time
 * before the paint). No
 * callback has the map's figure as output (tests/unit/test_map_description.py; tests/browser/
 * test_trust_one_writer.py watches every write in a session). The protocol:
 *
 *   description  MAP_DESCRIPTION.data, from the server (callbacks/views.py update_map, built by
 *                atlas.figures.map_description; whole with a new level, patched otherwise):
 *                  indicator  the indicator it was made for
 *                  level      the level's id
 *                  figure     the screen figure with its geometry (inline, or a URL the browser
 *                             fetches once) and the presentation traces, invisible
 *                  update     assignments on figure first (zoom and selection changed since)
 *                  frames     {sets: {indicator: {years, base, frames: {year: ops}}}, digest}
 *                  overlays   {present, fit, normal, selection: {lon, lat}, labels: {lon,
 *                             lat, text, variants: [{ratio, lon, lat, text}]}}; normal: the
 *                             paths of present and fit with the normal map's values (plotly
 *                             keeps the map's view where they are left out)
 *                An assignment is [path, value]; a path starts with "layout" or a trace's role
 *                (its meta.role: areas, legend + slot number, outline, halo, selection, labels):
 *                no trace is found by its position or name.
 *   state        what the page shows now: the indicator chosen (its frames, else the
 *                description's own indicator), the slider's year (its thumb, see sliderYear;
 *                a year the indicator lacks: its newest when the indicator is new to the map,
 *                else the map waits for the slider to snap), the mode (MODE: presentation
 *                look, selection outline, names when LABELS is on), the window's size (fonts
 *                and names grow with the screen) and the map's scale as drawn (which places of
 *                the names: the first variant at least as spread out as the font needs).
 *   composed     figure ∘ update ∘ frame base ∘ year's frame ∘ (presentation: present ∘ fit ∘
 *                overlays; normal: normal). A copy along the assigned paths only: the
 *                geometry is shared.
 *
 * Who calls renderMap (all of them inputs, none of them writers): the clientside callbacks
 * renderMap (description, YEAR_SETTLED, the mode by MAP.responsive, names; the indicator
 * alone, as Dash holds a callback back while one of its inputs is on its way), the
 * slider's thumb the moment it shows another year (before the browser paints: slider, year box
 * and map change in one frame), the map's own drawing (plotly_afterplot / plotly_react: a
 * drawing in another year than the slider's, or at another scale than the names were placed
 * for, is drawn again right away), the window's resize. A state drawn already is not drawn
 * twice.
 *
 * Everything else that follows the year (texts, table, address, time-series shading, other
 * tabs) waits until the slider rests (settleYear), so the map's repaint comes first and a change
 * of year starts no server callback.
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

    var SETTLE_MS = 150;
    var PRESENTATION = 'praesentation';

    /* --- the map's one renderer ------------------------------------------------------------ */

    function mapGraph() {
        return document.querySelector('#' + page.ids().map + ' .js-plotly-plot');
    }

    /* {role: index} of a figure's traces by meta.role (legend: {slot: index}) */
    function traceRoles(figure) {
        var roles = {legend: {}};
        (figure.data || []).forEach(function (trace, index) {
            var meta = trace && trace.meta;
            if (!meta || !meta.role) {
                return;
            }
            if (meta.role === 'legend') {
                roles.legend[meta.slot] = index;
            } else {
                roles[meta.role] = index;
            }
        });
        return roles;
    }

    /* a copy of the figure with the assignments made (paths by role, see the protocol):
       containers along each path are copied, everything else (the geometry above all) is
       shared; an assignment to a role the figure lacks is skipped */
    function withOps(figure, ops) {
        var roles = traceRoles(figure);
        var next = Object.assign({}, figure);
        ops.forEach(function (op) {
            var path = op[0];
            var steps;
            if (path[0] === 'layout') {
                steps = path;
            } else if (path[0] === 'legend') {
                if (roles.legend[path[1]] === undefined) {
                    return;
                }
                steps = ['data', roles.legend[path[1]]].concat(path.slice(2));
            } else if (roles[path[0]] !== undefined) {
                steps = ['data', roles[path[0]]].concat(path.slice(1));
            } else {
                return;
            }
            var parent = next;
            for (var i = 0; i < steps.length - 1; i++) {
                var child = parent[steps[i]];
                child = Array.isArray(child) ? child.slice() : Object.assign({}, child);
                parent[steps[i]] = child;
                parent = child;
            }
            parent[steps[steps.length - 1]] = op[1];
        });
        return next;
    }

    /* text in presentation mode grows with the screen: ×1 up to 900 px height, ×1.4 at most */
    function fontScale() {
        var height = window.innerHeight || 900;
        return Math.min(Math.max(height / 900, 1), 1.4);
    }

    /* district names: at least 20 px (README), 22 px on large screens */
    function labelSize() {
        return (window.innerWidth || 1920) >= 1600 ? 22 : 20;
    }

    function scaled(value, factor) {
        if (value && typeof value === 'object' && typeof value.size === 'number') {
            return Object.assign({}, value, {size: Math.round(value.size * factor)});
        }
        return value;
    }

    /* px per degree of longitude of the map as drawn (its Mercator projection), or null */
    function mapScale() {
        var graph = mapGraph();
        var geo = graph && graph._fullLayout && graph._fullLayout.geo;
        var projection = geo && geo._subplot && geo._subplot.projection;
        return projection && projection.scale ? projection.scale() * Math.PI / 180 : null;
    }

    /* which places of the names (atlas/labels.py LABEL_RATIOS): the first variant at least as
       spread out as this font size on this map's scale needs, so no two names overlap */
    function labelVariant(labels, last) {
        var variants = (labels && labels.variants) || [];
        if (!variants.length) {
            return null;
        }
        var scale = mapScale();
        if (!scale) {
            return last !== null && last !== undefined ? last : variants.length - 1;
        }
        var ratio = labelSize() / scale;
        for (var i = 0; i < variants.length; i++) {
            if (variants[i].ratio >= ratio) {
                return i;
            }
        }
        return variants.length - 1;
    }

    /* the presentation's assignments: look (fonts scaled), fit, outline of the selection, names */
    function presentOps(overlays, state) {
        var factor = fontScale();
        var ops = (overlays.present || []).map(function (op) {
            return [op[0], scaled(op[1], factor)];
        }).concat(overlays.fit || []);
        var selection = overlays.selection || {lon: [], lat: []};
        var outlined = selection.lon.length > 0;
        ['halo', 'selection'].forEach(function (role) {
            ops.push([[role, 'lon'], selection.lon], [[role, 'lat'], selection.lat],
                     [[role, 'visible'], outlined]);
        });
        var labels = overlays.labels || {};
        var place = state.variant === null ? labels :
            (labels.variants || [])[state.variant] || labels;
        ops.push([['labels', 'lon'], place.lon || []], [['labels', 'lat'], place.lat || []],
                 [['labels', 'text'], place.text || []],
                 [['labels', 'visible'], state.names],
                 [['labels', 'textfont', 'size'], state.labelSize]);
        return ops;
    }

    // what the map shows (drawn by renderMap), and redraws on their way from its own drawing
    var drawn = {};
    /* the indicator and year the map was last drawn for (assets/firstpaint.js waits for the
       address's view before it takes the first paint away) */
    page.shown = function () {
        return {indicator: drawn.indicator, year: drawn.year};
    };
    var keeping = {pending: false, count: 0};

    function sameState(a, b) {
        return ['description', 'frames', 'year', 'present', 'names', 'variant', 'scale',
                'labelSize'].every(function (key) { return a[key] === b[key]; });
    }

    /* the one writer of the map's figure (see the protocol at the top). now (a change of year
       by the slider, a drawing in another year than the slider's): within one mode and one
       description it draws at once (a year step: recolour, else Plotly.react), before the
       browser paints, where
       Dash's graph draws a render later, so slider, year box and map change in one frame;
       Dash's prop follows once the slider rests (renderMapProp).
       Otherwise only Dash's graph draws the figure set (at the size its responsive says for
       the mode); measured (benchmarks/README.md) that is quicker for a switch of indicator,
       as the graph then draws once instead of twice */
    function renderMap(now) {
        var ids = page.ids();
        var description = page.props(ids.description).data;
        if (!description || !description.figure || !ids.map) {
            return;
        }
        var sets = (description.frames && description.frames.sets) || {};
        var indicator = page.props(ids.indicator).value;
        if (!sets[indicator]) {
            indicator = description.indicator;  // the chosen one's frames are on their way
        }
        var frames = sets[indicator] || null;
        var year = sliderYear();
        if (frames && (year === null || year === undefined || !frames.frames[String(year)])) {
            if (drawn.indicator === indicator || !frames.years.length) {
                return;  // a year without data: the slider snaps to one with data
            }
            year = frames.years[frames.years.length - 1];  // new to the map: its newest year
        }
        var present = page.props(ids.mode).data === PRESENTATION;
        var state = {
            description: description, indicator: indicator, frames: frames,
            year: frames ? year : null, present: present,
            names: present && page.props(ids.labels).data !== false, variant: null,
            scale: present ? fontScale() : 1, labelSize: labelSize()
        };
        if (present) {
            state.variant = labelVariant((description.overlays || {}).labels,
                                         drawn.description === description ? drawn.variant :
                                         null);
        }
        var graph = mapGraph();
        var year0 = graph && graph.layout && graph.layout.meta ? graph.layout.meta.year : null;
        if (sameState(state, drawn) && (!frames || !graph || String(year0) === String(year))) {
            return;  // drawn already
        }
        var ops = (description.update || []).slice();
        if (frames) {
            ops = ops.concat(frames.base, frames.frames[String(year)]);
        }
        ops = ops.concat(present ? presentOps(description.overlays || {}, state) :
            (description.overlays || {}).normal || []);
        var figure = withOps(description.figure, ops);
        state.figure = figure;
        var previous = drawn;
        drawn = state;
        if (now === true && window.Plotly && graph && graph.data &&
                previous.present === present &&
                previous.description === description) {
            if (recolour(graph, previous, state)) {
                /* no drawing event follows a recolour: the texts naming the map's year
                   (heading, presentation title) take it in the same frame */
                syncYearTexts();
            } else {
                window.Plotly.react(graph, figure.data, figure.layout);
            }
            /* only a year step waits for the slider to rest; a redraw in the same year (names
               placed for another scale, a late description) hands the graph its prop at once */
            renderMapProp(ids.map, figure, previous.year !== state.year);
        } else {
            renderMapProp(ids.map, figure, false);
        }
    }

    /* --- a year step without plotly's full drawing ---------------------------------------- */

    /* a year's frame op a recolour can show: the areas' values, colours, hover and outlines,
       the legend's names, colours and title, the reference text and the year
       (atlas.figures.patch_ops);
       anything else goes the normal way */
    function recolourable(op) {
        var path = op[0];
        if (path[0] === 'areas') {
            return ['z', 'zmin', 'zmax', 'colorscale', 'text', 'customdata', 'hovertemplate',
                    'marker'].indexOf(path[1]) >= 0;
        }
        if (path[0] === 'legend') {
            return ['name', 'visible', 'marker'].indexOf(path[2]) >= 0;
        }
        if (path[0] === 'layout') {
            return (path[1] === 'meta' && path[2] === 'year' && path.length === 3) ||
                (path[1] === 'annotations' && path[2] === 0 && path[3] === 'text') ||
                (path[1] === 'legend' && path[2] === 'title' && path[3] === 'text');
        }
        return false;
    }

    /* the hover label shown over the map names the year's values: plotly re-hovers a geo
       map only when the mouse moves, so the label goes (no number of the year before stays
       on screen) and comes back at once for the same place with the year's values (plotly's
       own hover on a move of the mouse, the calculated points updated) */
    var pointer = {graph: null, x: 0, y: 0};

    function rehover(graph) {
        if (!graph.querySelector('.hoverlayer .hovertext')) {
            return;
        }
        window.Plotly.Fx.unhover(graph);
        var target = pointer.graph === graph ?
            document.elementFromPoint(pointer.x, pointer.y) : null;
        if (target && graph.contains(target)) {
            target.dispatchEvent(new window.MouseEvent('mousemove', {
                bubbles: true, cancelable: true, clientX: pointer.x, clientY: pointer.y,
                view: window
            }));
        }
    }

    /* the areas' fills and outlines as the choropleth's own style sets them (from the new
       colour scale), computed once for each kind of area (class and outline: a handful) on
       paths of its own, and set on the map's paths where they differ: plotly's style writes
       fill, outline and opacity of every path (≈ 40 ms for 1,050 areas on a loaded machine) */
    var STYLED = ['stroke', 'stroke-opacity', 'stroke-dasharray', 'stroke-width', 'opacity'];

    function styleAreas(graph, points) {
        var trace = points[0].trace;
        var kinds = {};
        var samples = [];
        points.forEach(function (point) {
            var key = [point.z, point.mlc, point.mlw].join('|');
            if (!kinds[key]) {
                kinds[key] = document.createElementNS('http://www.w3.org/2000/svg', 'path');
                samples.push([kinds[key], point]);
            }
        });
        var selection = {
            size: function () { return samples.length; },
            each: function (fn) {
                samples.forEach(function (sample) { fn.call(sample[0], sample[1]); });
                return selection;
            }
        };
        trace._module.style(graph, [{trace: trace, node3: {
            selectAll: function () { return selection; }
        }}]);
        var group = points[0].node3 && points[0].node3.node();
        (group ? group.querySelectorAll('path.choroplethlocation') : []).forEach(function (el) {
            var point = el.__data__;
            var sample = point && kinds[[point.z, point.mlc, point.mlw].join('|')];
            if (!sample) {
                return;
            }
            var fill = sample.getAttribute('fill');
            if (el.getAttribute('fill') !== fill) {
                el.setAttribute('fill', fill);
            }
            if (el.style.cssText !== sample.style.cssText) {
                STYLED.forEach(function (name) {
                    el.style.setProperty(name, sample.style.getPropertyValue(name));
                });
            }
        });
    }

    function sameButYear(a, b) {
        return ['description', 'indicator', 'frames', 'present', 'names', 'variant', 'scale',
                'labelSize'].every(function (key) { return a[key] === b[key]; });
    }

    /* A year step within one description and mode, with the map showing the previous state's
       figure: plotly's react would re-project every ring of every area (editType "calc" of the
       changed z, ≈ 15 ms at 22 Kreise, 90 ms at 631 Gemeinden, benchmarks/README.md); a year
       changes no ring. So the map takes the new figure as its data and layout, the calculated
       points of the areas (what plotly's calc derives from z, text, customdata and the outline
       arrays, bound to the paths by index) take the year's values, one Plotly.update has
       plotly take the new traces and draw the legend and the reference text again, and the
       choropleth's own style gives the areas their colours and outlines (styleAreas).
       Hover reads the same calculated points and traces: the label under the mouse is shown
       again with the new year's values at once (rehover).
       The graph then holds the very figure Dash's prop gets when the slider rests, so that
       drawing finds nothing to change. Returns false (and changes nothing) where it cannot:
       then Plotly.react draws. */
    function recolour(graph, previous, state) {
        var figure = state.figure;
        var frames = state.frames;
        if (!previous.figure || graph.data !== previous.figure.data || !frames ||
                !sameButYear(previous, state) || previous.year === null ||
                previous.year === state.year || !graph.calcdata || !graph._fullLayout) {
            return false;
        }
        var ops = (frames.frames[String(state.year)] || [])
            .concat(frames.frames[String(previous.year)] || []);
        if (!ops.every(recolourable)) {
            return false;
        }
        var roles = traceRoles(figure);
        var trace = figure.data[roles.areas];
        var points = graph.calcdata[roles.areas];
        var full = graph._fullData[roles.areas];
        if (!trace || !points || !full || full.type !== 'choropleth' ||
                graph.data.length !== figure.data.length ||
                (trace.locations || []).length !== (full.locations || []).length) {
            return false;
        }
        var z = trace.z || [];
        var annotations = figure.layout.annotations || [];
        var fullAnnotations = graph._fullLayout.annotations || [];
        if (!graph._fullLayout.legend || annotations.length !== fullAnnotations.length ||
                !points.every(function (point) { return isFinite(z[point.index]); })) {
            return false;
        }
        var line = (trace.marker && trace.marker.line) || {};
        var each = function (values, key, point) {
            if (Array.isArray(values)) {
                point[key] = values[point.index];
            } else {
                delete point[key];
            }
        };
        points.forEach(function (point) {
            point.z = z[point.index];
            each(trace.text, 'tx', point);
            each(trace.customdata, 'data', point);
            each(line.color, 'mlc', point);
            each(line.width, 'mlw', point);
        });
        /* the figure's data; the layout as drawn (with the graph's own size settings) with the
           year's parts, its legend and reference copied for the relayout below to set */
        graph.data = figure.data;
        graph.layout = Object.assign({}, graph.layout, {
            annotations: annotations.map(function (item) { return Object.assign({}, item); }),
            legend: Object.assign({}, figure.layout.legend),
            meta: figure.layout.meta
        });
        /* one update of a layout attribute with editType "legend" and one with "arraydraw",
           each set to the value it has: plotly takes the new figure's traces and layout
           (supplyDefaults) and draws the legend and the reference again, nothing else (an
           update, not a relayout: Dash's graph would take a relayout for the user's zoom) */
        var relayout = {'legend.bgcolor': graph._fullLayout.legend.bgcolor};
        if (annotations.length) {
            relayout['annotations[0].bgcolor'] = fullAnnotations[0].bgcolor;
        }
        window.Plotly.update(graph, {}, relayout);
        styleAreas(graph, graph.calcdata[roles.areas]);
        rehover(graph);
        return true;
    }

    /* Dash's figure prop of the map: the figure renderMap drew (the graph draws its figure
       again whenever that prop changes, and that must be what the map shows). After a drawing
       at once (a year step) it is set once the slider rests (SETTLE_MS, like everything else
       that follows the year): Dash's graph draws every new figure prop again (its own
       Plotly.react, about as long as the first), and set in the same task that second drawing
       held back the paint of each year step (measured: about 50 instead of 25 ms from the key
       to the painted map, benchmarks/README.md); a held key or the playback now costs one
       such drawing when it rests. Until then the graph keeps its figure prop and draws nothing
       (it draws only when that prop changes). Only the newest figure is set, and only while
       it is the one drawn; a drawing since then has set its own. */
    var propLater = {figure: null, timer: null};

    function renderMapProp(mapId, figure, later) {
        if (!dc.set_props) {
            return;
        }
        if (propLater.timer) {
            window.clearTimeout(propLater.timer);
            propLater.timer = null;
        }
        if (!later) {
            dc.set_props(mapId, {figure: figure});
            return;
        }
        propLater.timer = window.setTimeout(function renderMapPropSettled() {
            propLater.timer = null;
            if (figure === drawn.figure) {
                dc.set_props(mapId, {figure: figure});
            }
        }, SETTLE_MS);
    }

    /* after any drawing of the map: another year than the slider's (Dash's graph drawing a
       figure of a year the slider has left), or another scale than the names were placed for,
       is drawn again right away, before the browser paints (at most 4 times in a frame) */
    function afterDraw() {
        if (keeping.pending || keeping.count >= 4) {
            return;
        }
        keeping.pending = true;
        if (!keeping.count++) {
            window.requestAnimationFrame(function () { keeping.count = 0; });
        }
        window.Promise.resolve().then(function () {
            keeping.pending = false;
            renderMap(true);
        });
    }

    var resizeTimer = null;
    window.addEventListener('resize', function () {
        if (resizeTimer) {
            window.clearTimeout(resizeTimer);
        }
        resizeTimer = window.setTimeout(function () { renderMap(false); }, 250);
    });

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
        renderMap(true);
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
            graph.on('plotly_afterplot', afterDraw);
            graph.on('plotly_react', afterDraw);
            graph.on('plotly_afterplot', syncYearTexts);
            graph.addEventListener('mousemove', function (event) {
                pointer = {graph: graph, x: event.clientX, y: event.clientY};
            }, true);
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

        /* MAP_DESCRIPTION.data, YEAR_SETTLED.data, MAP.responsive (the mode, once the graph
           has the size of the mode), LABELS.data; INDICATOR.value (alone, so it is not held
           back until the description arrives) →
           (nothing): the map drawn for them (renderMap, the one writer of the map) */
        renderMap: function () {
            renderMap(false);
            return noUpdate();
        },

        /* YEAR.value, TIMESERIES_DRAWN.data, State TIMESERIES.figure → the year's shading */
        /* TABLE_DATA.data ({note, head, rows}, layouts/panels.py values_table) → TABLE.children:
           the values table built here from its texts; every text is a text node (children
           strings), never Markdown or HTML. The last row is the reference. */
        valuesTable: function (table) {
            if (!table || !table.rows) {
                return noUpdate();
            }
            if (!table.rows.length) {
                return [];  // no map shown: no table
            }
            function el(type, children, className) {
                var props = {children: children};
                if (className) {
                    props.className = className;
                }
                return {type: type, namespace: 'dash_html_components', props: props};
            }
            /* numbers right-aligned: the columns in table.numeric, else the first (rank) and
               the last (value) */
            function cells(type, texts) {
                return texts.map(function (text, i) {
                    var numeric = table.numeric ? table.numeric.indexOf(i) >= 0 :
                        i === 0 || i === texts.length - 1;
                    return el(type, String(text), numeric ? 'text-end' : null);
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

        /* TABS.data (the shown tab), then the tab's inputs → the tab's view store {type, tab}, only while
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

        /* URL.search, State URL_ECHO.data → the search, unless the page wrote it itself or
           started with all of it (layouts/main.py first_view: echo "" for the bare address) */
        urlGate: function (search, echo) {
            return typeof echo === 'string' && (search || '') === echo ? noUpdate() :
                (search || '');
        }
    };
}());
