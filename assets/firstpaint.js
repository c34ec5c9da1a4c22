/* The first paint (atlas/firstpaint.py): the server puts the map of the address's view as SVG
 * into the page's HTML, where it shows before any script has run. When Dash has rendered the
 * page, the picture moves over the map's place (#map-figure) and stays there until the
 * interactive map is drawn for the same indicator and year (the layout's first map may be of
 * another indicator); then it is removed. */
(function () {
    'use strict';
    var frame = document.getElementById('first-paint');
    if (!frame) {
        return;
    }

    /* taken away once the map is drawn for the view the picture shows, or at the user's
       first key or pointer input (the page is going elsewhere) */
    var leave = false;

    function input() {
        leave = true;
        place();
    }
    document.addEventListener('keydown', input, true);
    document.addEventListener('pointerdown', input, true);

    function done() {
        var page = window.atlasPage;
        var shown = page && page.shown ? page.shown() : {};
        return leave ||
            (document.querySelector('#map .choroplethlocation') &&
             shown.indicator === frame.getAttribute('data-indicator') &&
             String(shown.year) === frame.getAttribute('data-year'));
    }

    var removed = false;

    function place() {
        if (removed || done()) {
            removed = true;
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
