/* The first paint (atlas/firstpaint.py): the server puts the map of the address's view as SVG
 * into the page's HTML, where it shows before any script has run. When Dash has rendered the
 * page, the picture moves over the map's place (#map-figure) and stays there until plotly has
 * drawn the interactive map (or the page says why there is none); then it is removed. */
(function () {
    'use strict';
    var frame = document.getElementById('first-paint');
    if (!frame) {
        return;
    }

    function done() {
        var graph = document.querySelector('#map .js-plotly-plot');
        var note = document.getElementById('map-note');
        return document.querySelector('#map .choroplethlocation') ||
            (graph && graph.data && graph.data.length) ||
            (note && note.textContent.trim());
    }

    function place() {
        if (done()) {
            frame.remove();
            return true;
        }
        var host = document.getElementById('map-figure');
        if (host && frame.parentNode !== host) {
            frame.classList.add('first-paint-in-map');
            host.appendChild(frame);
        }
        return false;
    }

    if (!window.MutationObserver) {
        return;
    }
    var observer = new window.MutationObserver(function () {
        if (place()) {
            observer.disconnect();
        }
    });
    observer.observe(document.documentElement, {childList: true, subtree: true});
}());
