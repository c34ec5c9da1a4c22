/*
 * Sozialstrukturatlas Thüringen – presentation mode, keyboard and shareable links.
 *
 * Clientside callbacks (namespace "presentation", registered in callbacks/presentation.py) and
 * page-wide listeners:
 *
 *   keyboard   A key clicks the button whose data-shortcut names it (layouts/presentation.py);
 *              buttons with data-step (years, indicators, play) are done right here, reading and
 *              setting the props in Dash's store, so quick presses are never lost:
 *              ← → year, ↑ ↓ indicator, Space play/stop on the whole page; PageUp/PageDown
 *              (Sitzungsfolge), Escape (leave), f (fullscreen), n (names) in presentation mode.
 *              Never while typing in a form control (input, dropdown, slider, radio …); in
 *              normal mode also not while a button, link or tab has the focus (Space and the
 *              arrows keep their usual meaning there).
 *   address    The query of the current view (server callback "view_query") is written to the
 *              address bar once it has settled (300 ms): one history entry per user action.
 *              The first write after loading and the steps of an animation replace the entry.
 *   fullscreen The Fullscreen API on the whole page.
 *
 * The map's presentation look (fonts, legend beside the map, outline of the selection, district
 * names) is drawn by the map's one renderer (renderMap in assets/views.js) from the map's
 * description; nothing here writes the map.
 */
(function () {
    'use strict';

    var PRESENTATION = 'praesentation';
    var SETTLE_MS = 300;
    var modeApplied = false;  // the mode applyMode last applied (true: presenting)
    var dc = window.dash_clientside = window.dash_clientside || {};

    function noUpdate() {
        return dc.no_update;
    }

    function presenting() {
        return document.documentElement.classList.contains('presenting');
    }

    function triggered() {
        var context = dc.callback_context || {};
        return (context.triggered || []).map(function (t) { return t.prop_id; });
    }

    function firedBy(ids, id) {
        return ids.some(function (p) { return p.indexOf(id + '.') === 0; });
    }

    function inputId(position) {
        var context = dc.callback_context || {};
        var item = (context.inputs_list || [])[position];
        return item ? item.id : null;
    }

    /* --- the address bar -------------------------------------------------------------------- */

    var writer = {
        urlId: null,
        pending: null,
        timer: null,
        written: null,
        started: false,
        settled: false,
        animation: null,        // {base}: the view of an animation without its year
        navigatedAt: 0,  // time of the last back/forward or Sitzungsfolge step
        inputAt: 0       // time of the last key press or pointer press
    };

    function noteInput() {
        writer.inputAt = Date.now();
    }
    document.addEventListener('keydown', noteInput, true);
    document.addEventListener('pointerdown', noteInput, true);

    function flush() {
        writer.timer = null;
        var target = writer.pending;
        writer.pending = null;
        if (target === null || !writer.urlId) {
            return;
        }
        if (target === window.location.search) {
            writer.settled = true;
            return;
        }
        // replace instead of push: the first view after loading, a view the page corrected
        // after back/forward (nobody touched anything since), every step after the first one of
        // an animation
        var untouched = writer.navigatedAt > 0 && writer.inputAt < writer.navigatedAt;
        var animated = false;
        if (writer.animation) {
            var base = withoutYear(target);
            if (writer.animation.base === null) {
                writer.animation.base = base;  // its first year: one entry for the animation
            } else if (writer.animation.base === base) {
                animated = true;  // a later year of the same animation
            } else {
                writer.animation = null;  // something else changed: a new entry
            }
        }
        var replace = !writer.settled || untouched || animated;
        writer.settled = true;
        writer.navigatedAt = 0;
        writer.written = target;
        var href = window.location.origin + window.location.pathname + target +
            window.location.hash;
        if (replace) {
            window.history.replaceState(window.history.state, '', href);
        }
        // noted first: the page's own URL is no request to apply (see apply_url)
        var echo = scriptIds().echo;
        if (echo) {
            dc.set_props(echo, {data: target});
        }
        // dcc.Location pushes a history entry when its href/search differ from the address bar
        dc.set_props(writer.urlId, {search: target, href: href});
    }

    /* back/forward: a navigation, never an echo; nothing of the old view is written any more */
    window.addEventListener('popstate', function () {
        cancelPending();
        writer.navigatedAt = Date.now();
        writer.written = window.location.search;
        writer.animation = null;
        var echo = scriptIds().echo;
        if (echo && dc.set_props) {
            dc.set_props(echo, {data: null});
        }
    });

    function schedule(target) {
        writer.pending = target;
        if (writer.timer) {
            window.clearTimeout(writer.timer);
        }
        writer.timer = window.setTimeout(flush, SETTLE_MS);
    }

    function cancelPending() {
        if (writer.timer) {
            window.clearTimeout(writer.timer);
        }
        writer.timer = null;
        writer.pending = null;
    }

    function withoutYear(search) {
        var params = new window.URLSearchParams(search);
        params.delete('year');
        params.delete('jahr');
        return params.toString();
    }

    function shareUrl(search) {
        return window.location.origin + window.location.pathname + (search || '');
    }

    /* --- keyboard --------------------------------------------------------------------------- */

    var TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], ' +
        '[role="combobox"], [role="listbox"], [role="option"], [role="slider"], ' +
        '[role="spinbutton"], [role="textbox"], [role="radio"], [role="checkbox"], ' +
        '[role="switch"], [role="menu"], [role="menuitem"], [role="dialog"], .dash-dropdown, ' +
        '.dash-dropdown-options, .modal';
    var INTERACTIVE = 'button, a[href], summary, [role="tab"], [role="button"], [tabindex]';

    function keyName(event) {
        if (event.key === ' ' || event.key === 'Spacebar') {
            return 'Space';
        }
        if (event.key && event.key.length === 1) {
            return event.key.toLowerCase();
        }
        return event.key;
    }

    function shortcutButton(name) {
        var buttons = document.querySelectorAll('[data-shortcut]');
        for (var i = 0; i < buttons.length; i++) {
            if (buttons[i].getAttribute('data-shortcut') === name) {
                return buttons[i];
            }
        }
        return null;
    }

    function onKey(event) {
        if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
                event.shiftKey || event.isComposing) {
            return;
        }
        var button = shortcutButton(keyName(event));
        if (!button) {
            return;
        }
        var inPresentation = presenting();
        if (button.getAttribute('data-shortcut-scope') === 'presentation' && !inPresentation) {
            return;
        }
        var target = event.target instanceof Element ? event.target : null;
        if (target && target !== document.body) {
            if (target.closest(TYPING)) {
                return;
            }
            if (!inPresentation && target.closest(INTERACTIVE) &&
                    !target.closest('.js-plotly-plot')) {
                return;
            }
        }
        event.preventDefault();
        if (event.key === 'Escape' && fullscreenElement()) {
            toggleFullscreen();  // Esc in fullscreen: leave fullscreen first, then presentation
            return;
        }
        if (!button.disabled) {
            button.click();
        }
    }

    document.addEventListener('keydown', onKey);

    /* --- stepping: years, indicators, animation ---------------------------------------------
       The buttons of the bar carry data-step; a click (or its key) reads the current props from
       Dash's store and sets the new value at once, so every press counts, however quick. */

    /* ids and props of the page: window.atlasPage (assets/views.js), read when needed */
    function scriptIds() {
        return window.atlasPage ? window.atlasPage.ids() : {};
    }

    function propsOf(id) {
        return window.atlasPage ? window.atlasPage.props(id) : {};
    }

    function yearsWithData(ids) {
        var years = (propsOf(ids.years).data || []).slice();
        if (!years.length) {
            var slider = propsOf(ids.year);
            for (var y = slider.min; y <= slider.max; y++) {
                years.push(y);
            }
        }
        return years.sort(function (a, b) { return a - b; });
    }

    function neighbourYear(years, year, direction) {
        if (direction > 0) {
            for (var i = 0; i < years.length; i++) {
                if (years[i] > year) { return years[i]; }
            }
        } else {
            for (var j = years.length - 1; j >= 0; j--) {
                if (years[j] < year) { return years[j]; }
            }
        }
        return null;
    }

    var player = {timer: null};

    function showPlaying(ids, on) {
        if (ids.play) {
            dc.set_props(ids.play, {children: on ? 'Anhalten' : 'Abspielen',
                'aria-pressed': on ? 'true' : 'false'});
        }
    }

    function stopPlaying(ids) {
        if (player.timer) {
            window.clearInterval(player.timer);
            player.timer = null;  // writer.animation stays: the last year replaces its entry
            showPlaying(ids, false);
        }
    }

    function stepYear(ids, direction) {
        var years = yearsWithData(ids);
        var year = propsOf(ids.year).value;
        var target = neighbourYear(years, year, direction);
        if (target !== null) {
            dc.set_props(ids.year, {value: target});
        }
        return target;
    }

    function tick(ids) {
        var years = yearsWithData(ids);
        var target = stepYear(ids, 1);
        if (target === null || target === years[years.length - 1]) {
            stopPlaying(ids);  // the last year stays on screen, the animation ends
        }
    }

    function togglePlay(ids) {
        if (player.timer) {
            stopPlaying(ids);
            return;
        }
        var years = yearsWithData(ids);
        if (years.length < 2) {
            return;
        }
        var year = propsOf(ids.year).value;
        writer.animation = {base: null};
        showPlaying(ids, true);
        if (year === years[years.length - 1] || years.indexOf(year) < 0) {
            dc.set_props(ids.year, {value: years[0]});  // from the start again
        }
        var bar = document.querySelector('.present-bar');
        var every = parseInt((bar && bar.getAttribute('data-play-ms')) || '1000', 10);
        player.timer = window.setInterval(function () { tick(ids); }, every);
    }

    function stepIndicator(ids, direction) {
        var props = propsOf(ids.indicator);
        var values = (props.options || []).filter(function (o) {
            return o && !o.disabled && o.value;
        }).map(function (o) { return o.value; });
        var at = values.indexOf(props.value);
        var target = at < 0 ? -1 : at + direction;
        if (target >= 0 && target < values.length) {
            dc.set_props(ids.indicator, {value: values[target]});
        }
    }

    function doStep(step) {
        var ids = scriptIds();
        if (!dc.set_props || !ids.year) {
            return;
        }
        if (step === 'play') {
            togglePlay(ids);
            return;
        }
        var parts = step.split(':');
        var direction = parseInt(parts[1], 10) || 0;
        if (parts[0] === 'year') {
            stopPlaying(ids);  // a manual step ends the animation
            writer.animation = null;
            stepYear(ids, direction);
        } else if (parts[0] === 'indicator') {
            stepIndicator(ids, direction);
        }
    }

    document.addEventListener('click', function (event) {
        var target = event.target instanceof Element ? event.target : null;
        var button = target ? target.closest('[data-step]') : null;
        if (button && !button.disabled) {
            doStep(button.getAttribute('data-step'));
        }
    });

    /* --- fullscreen ------------------------------------------------------------------------- */

    function fullscreenElement() {
        return document.fullscreenElement || document.webkitFullscreenElement || null;
    }

    function toggleFullscreen() {
        var root = document.documentElement;
        if (fullscreenElement()) {
            (document.exitFullscreen || document.webkitExitFullscreen).call(document);
        } else if (root.requestFullscreen) {
            root.requestFullscreen().catch(function () { /* refused: stay as we are */ });
        } else if (root.webkitRequestFullscreen) {
            root.webkitRequestFullscreen();
        }
    }

    function onFullscreenChange() {
        var button = document.querySelector('[data-action="fullscreen"]');
        if (button && button.id && dc.set_props) {
            var on = Boolean(fullscreenElement());
            dc.set_props(button.id, {
                children: on ? 'Vollbild beenden' : 'Vollbild',
                'aria-pressed': on ? 'true' : 'false'
            });
        }
    }

    document.addEventListener('click', function (event) {
        var target = event.target instanceof Element ? event.target : null;
        if (target && target.closest('[data-action="fullscreen"]')) {
            toggleFullscreen();
        }
    });
    document.addEventListener('fullscreenchange', onFullscreenChange);
    document.addEventListener('webkitfullscreenchange', onFullscreenChange);

    /* --- the table of the map values beside the map (button "Tabelle", key T) ------------
       A class on <html> shows it (assets/presentation.css); opening moves the focus onto the
       table, so a screen reader reads it next. */

    document.addEventListener('click', function (event) {
        var target = event.target instanceof Element ? event.target : null;
        var button = target ? target.closest('[data-action="table"]') : null;
        if (!button) {
            return;
        }
        var root = document.documentElement;
        var open = !root.classList.contains('present-table');
        root.classList.toggle('present-table', open);
        if (button.id && dc.set_props) {
            dc.set_props(button.id, {'aria-pressed': open ? 'true' : 'false'});
        } else {
            button.setAttribute('aria-pressed', open ? 'true' : 'false');
        }
        var table = document.getElementById(button.getAttribute('aria-controls'));
        window.requestAnimationFrame(function () {
            window.dispatchEvent(new Event('resize'));  // the map takes the room that is left
            if (open && table) {
                table.focus();
            }
        });
    });

    /* --- layout of presentation mode: room taken by the bar and the footer ----------------- */

    var observed = false;

    function measure() {
        var bar = document.querySelector('.present-bar');
        var footer = document.querySelector('.present-source');
        var root = document.documentElement;
        if (bar) {
            root.style.setProperty('--present-top', bar.offsetHeight + 'px');
        }
        if (footer) {
            root.style.setProperty('--present-bottom', footer.offsetHeight + 'px');
        }
    }

    function observeLayout() {
        if (observed || !window.ResizeObserver) {
            measure();
            return;
        }
        var bar = document.querySelector('.present-bar');
        var footer = document.querySelector('.present-source');
        if (!bar || !footer) {
            return;
        }
        var observer = new window.ResizeObserver(measure);
        observer.observe(bar);
        observer.observe(footer);
        observed = true;
        measure();
    }

    /* --- clientside callbacks --------------------------------------------------------------- */

    dc.presentation = {
        /* VIEW_QUERY.data, URL.search → link field; writes the address bar when settled */
        syncUrl: function (query, search) {
            var fired = triggered();
            writer.urlId = inputId(1) || writer.urlId;
            /* the first call: the page comes with its view's query (layouts/main.py first_view),
               and Dash may hand it over together with the address bar's first search */
            var first = !writer.started;
            writer.started = true;
            if (!first && firedBy(fired, inputId(1)) && !firedBy(fired, inputId(0))) {
                if (search !== writer.written && search !== writer.pending) {
                    cancelPending();  // back/forward or a view of the Sitzungsfolge
                    writer.written = search;
                    writer.navigatedAt = Date.now();
                }
                return noUpdate();
            }
            if (query === null || query === undefined) {
                return noUpdate();
            }
            var target = '?' + query;
            schedule(target);
            return shareUrl(target);
        },

        copyLink: function (clicks, url) {
            var statusId = (dc.callback_context.outputs_list || {}).id;
            var field = document.querySelector('.share-link');
            var done = function (text) {
                if (statusId) {
                    dc.set_props(statusId, {children: text});
                }
            };
            var select = function () {
                if (field) {
                    field.focus();
                    field.select();
                }
            };
            var fallback = function () {
                select();
                var ok = false;
                try {
                    ok = document.execCommand('copy');
                } catch (e) {
                    ok = false;
                }
                done(ok ? 'Link kopiert' : 'Link markiert – mit Strg+C kopieren');
            };
            if (!url) {
                return noUpdate();
            }
            if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(url).then(function () {
                    done('Link kopiert');
                }, fallback);
            } else {
                fallback();
            }
            return 'Link wird kopiert …';
        },

        /* Präsentation / Beenden → mode (and the map tab when entering) */
        toggleMode: function (start, exit, mode) {
            var fired = triggered();
            if (firedBy(fired, inputId(1))) {
                return mode ? ['', noUpdate()] : [noUpdate(), noUpdate()];
            }
            if (firedBy(fired, inputId(0))) {
                return [PRESENTATION, 'map'];
            }
            return [noUpdate(), noUpdate()];
        },

        /* mode → page class (and <html> class for the type scale), map fills its box; the focus
           goes into the bar on entry and back to the button on exit (never on a page load) */
        applyMode: function (mode) {
            var on = mode === PRESENTATION;
            var root = document.documentElement;
            root.classList.toggle('presenting', on);
            var ids = scriptIds();
            var active = document.activeElement;
            var wasPresenting = modeApplied;
            modeApplied = on;
            if (on) {
                observeLayout();
                measure();
                if (!active || !active.closest('.present-bar')) {
                    // the focus goes into the bar (its title; keys still go to the page), not
                    // left on a hidden button
                    var title = document.getElementById(ids.title);
                    if (title) {
                        title.focus({preventScroll: true});
                    } else if (active && active !== document.body) {
                        active.blur();
                    }
                }
            } else {
                stopPlaying(ids);  // leaving the presentation ends the animation
                if (wasPresenting &&
                        (!active || active === document.body || active.closest('.present-bar'))) {
                    // back to the button that started it, once the page shows it again (the
                    // root's class returned below is applied after this function)
                    var tries = 0;
                    var back = function () {
                        var button = document.getElementById(ids.present);
                        if (button && button.offsetParent !== null) {
                            button.focus({preventScroll: true});
                        } else if (tries < 30) {
                            tries += 1;
                            window.requestAnimationFrame(back);
                        }
                    };
                    window.requestAnimationFrame(back);
                }
                if (fullscreenElement()) {
                    (document.exitFullscreen || document.webkitExitFullscreen).call(document);
                }
            }
            return [on ? 'atlas presenting' : 'atlas', on ? true : 'auto'];
        },

        yearButtons: function (year, years) {
            years = years || [];
            if (!years.length || year === null || year === undefined) {
                return [true, true];
            }
            return [year <= Math.min.apply(null, years), year >= Math.max.apply(null, years)];
        },

        toggleLabels: function (clicks, on) {
            return !(on === undefined || on === null ? true : on);
        },

        labelsButton: function (on) {
            var active = on === undefined || on === null ? true : Boolean(on);
            return [active ? 'true' : 'false', 'btn present-btn' + (active ? ' active' : '')];
        }
    };
}());
