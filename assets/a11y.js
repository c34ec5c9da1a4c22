/*
 * Sozialstrukturatlas Thüringen – names and Tab stops of the inner controls of Dash's own
 * components (issue #18), in one place. Dash 4 draws them without a way to pass ARIA attributes:
 * - dcc.Dropdown: its button is named by its value only (aria-labelledby = the value) – the
 *   visible label (label[for=id]) goes first; the button itself is the Tab stop, not the
 *   hidden, aria-hidden focus catcher before it;
 * - dcc.Slider / RangeSlider: the handle and the number boxes get the label's name, the handle
 *   an aria-valuetext such as „Jahr 2021“;
 * - dcc.Upload: its file input (Chrome says „Choose File“) is named by the upload's own text.
 * Dash redraws these parts at will, so they are named as they appear and when their value changes.
 *
 * And the page's own: the document title names the view (indicator, year, tab) and changes
 * with it; a polite live region (#announce) says the new view after each change; the map's
 * text alternative (#map-figure, a named figure) says what it shows; the skip links move the focus.
 *
 * Graphs are figures (role figure) named by what they show, their plotly drawing hidden from
 * screen readers (aria-hidden; the tables and texts say the same). Not role img: the toolbar's
 * buttons inside would be interactive controls nested in an image (axe: nested-interactive).
 */
(function () {
    'use strict';

    function labelFor(id) {
        if (!id) {
            return null;
        }
        var labels = document.querySelectorAll('label[for]');
        for (var i = 0; i < labels.length; i += 1) {
            if (labels[i].htmlFor === id) {
                return labels[i];
            }
        }
        return null;
    }

    function text(element) {
        return (element.innerText || element.textContent || '').replace(/\s+/g, ' ').trim();
    }

    function set(element, name, value) {
        if (value !== null && element.getAttribute(name) !== value) {
            element.setAttribute(name, value);
        }
    }

    function dropdown(button) {
        var label = labelFor(button.id);
        var wrapper = button.parentElement;
        var catcher = wrapper && wrapper.querySelector(':scope > .dash-dropdown-focus-target');
        if (catcher) {
            set(catcher, 'tabindex', '-1');
        }
        if (!button.disabled) {
            set(button, 'tabindex', '0');
        }
        if (!label) {
            return;
        }
        if (!label.id) {
            label.id = button.id + '-label';
        }
        var parts = (button.getAttribute('aria-labelledby') || '').split(/\s+/)
            .filter(function (part) { return part && part !== label.id; });
        set(button, 'aria-labelledby', [label.id].concat(parts).join(' '));
    }

    function slider(container) {
        var label = labelFor(container.id);
        var name = label ? text(label) : null;
        if (!name) {
            return;
        }
        container.querySelectorAll('[role="slider"]').forEach(function (thumb, index, all) {
            var suffix = all.length > 1 ? (index === 0 ? ' (von)' : ' (bis)') : '';
            set(thumb, 'aria-label', name + suffix);
            var now = thumb.getAttribute('aria-valuenow');
            set(thumb, 'aria-valuetext', now === null ? null : name + ' ' + now);
        });
        var boxes = container.querySelectorAll('input.dash-range-slider-input');
        boxes.forEach(function (box) {
            var suffix = boxes.length > 1 ?
                (box.classList.contains('dash-range-slider-min-input') ? ' (von)' : ' (bis)') : '';
            set(box, 'aria-label', name + suffix + ' eingeben');
        });
    }

    function upload(input) {
        var zone = input.parentElement;
        var name = zone ? text(zone) : '';
        set(input, 'aria-label', name || 'Datei auswählen');
    }

    var SITE = 'Sozialstrukturatlas Thüringen';
    var lastView = null;

    function view() {
        var heading = document.getElementById('heading');
        var title = heading ? text(heading) : '';
        if (!title) {
            return null;
        }
        var presenting = document.documentElement.classList.contains('presenting');
        var tab = document.querySelector('#main [role="tablist"] [role="tab"][aria-selected="true"]');
        var level = document.querySelector('#level input:checked');
        var levelLabel = level && level.labels && level.labels[0] ? text(level.labels[0]) : '';
        return {title: title, tab: presenting ? 'Präsentation' : (tab ? text(tab) : ''),
                level: levelLabel};
    }

    function describe() {
        var shown = view();
        if (!shown) {
            return;
        }
        var figure = document.getElementById('map-figure');
        if (figure) {
            set(figure, 'aria-label', 'Karte: ' + shown.title +
                (shown.level ? ' (Ebene: ' + shown.level + ')' : '') +
                '. Die Werte stehen in der Tabelle der Kartenwerte.');
        }
        var said = shown.tab ? shown.tab + ': ' + shown.title : shown.title;
        if (document.title !== said + ' – ' + SITE) {
            document.title = said + ' – ' + SITE;
        }
        if (lastView !== null && lastView !== said) {
            var live = document.getElementById('announce');
            if (live) {
                live.textContent = 'Angezeigt: ' + said;
            }
        }
        lastView = said;
    }

    document.addEventListener('click', function (event) {
        var link = event.target.closest && event.target.closest('a[href^="#"]');
        var target = link && document.getElementById(link.getAttribute('href').slice(1));
        if (!target) {
            return;
        }
        event.preventDefault();  // no #hash in the address (it holds the view)
        var panel = target.closest('[role="tabpanel"][hidden]');
        if (panel) {  // the map's tab is not shown: show it first
            var tab = document.getElementById(panel.getAttribute('aria-labelledby'));
            if (tab) {
                tab.click();
            }
        }
        window.requestAnimationFrame(function () {
            target.focus({preventScroll: false});
            target.scrollIntoView({block: 'start'});
        });
    });

    /* every graph: its drawing hidden; the graphs but the map (inside its own named figure) are
       figures named by their tab and their own title */
    function graph(container) {
        container.querySelectorAll('svg.main-svg').forEach(function (svg) {
            set(svg, 'aria-hidden', 'true');
        });
        var figure = container.closest('[role="figure"]');
        if (figure && figure !== container) {
            return;  // inside a named figure (the map)
        }
        set(container, 'role', 'figure');
        var title = container.querySelector('.gtitle');
        var panel = container.closest('[role="tabpanel"]');
        var tab = panel ? document.getElementById(panel.getAttribute('aria-labelledby')) : null;
        var heading = container.id === 'timeseries' ? 'Zeitreihe' : (tab ? text(tab) : 'Diagramm');
        var own = title ? text(title) : '';
        set(container, 'aria-label', 'Diagramm „' + heading + '“' + (own ? ': ' + own : ''));
    }

    function name(root) {
        describe();
        root.querySelectorAll('.dash-graph[id]').forEach(graph);
        root.querySelectorAll('button.dash-dropdown[id]').forEach(dropdown);
        root.querySelectorAll('.dash-slider-container[id]').forEach(slider);
        root.querySelectorAll('input[type="file"]').forEach(upload);
    }

    var pending = false;

    function run() {
        pending = false;
        name(document);
    }

    /* after the browser has painted the change, when it is idle (at most 200 ms later): the
       names read texts with layout (innerText), which in the frame of a change would delay
       its paint (a year step: ≈ 3 ms of ≈ 20) */
    function later() {
        if (pending) {
            return;
        }
        pending = true;
        if (window.requestIdleCallback) {
            window.requestIdleCallback(run, {timeout: 200});
        } else {
            window.setTimeout(run, 50);
        }
    }

    function start() {
        name(document);
        if (!window.MutationObserver) {
            return;
        }
        new window.MutationObserver(later).observe(document.body, {
            childList: true, subtree: true, attributes: true,
            characterData: true,
            attributeFilter: ['aria-valuenow', 'aria-labelledby', 'tabindex', 'disabled',
                'aria-selected', 'checked']
        });
        new window.MutationObserver(later).observe(document.documentElement,
            {attributes: true, attributeFilter: ['class']});
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}());
