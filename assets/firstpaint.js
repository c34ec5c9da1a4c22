/* The first paint (atlas/firstpaint.py): the server puts the map of the address's view as SVG
 * into the page's HTML, where it shows before any script has run. When Dash has rendered the
 * page (until then it stands before Dash's root, where Dash's own "Loading..." does not replace
 * it), the picture moves over the map's place (#map-figure) and stays there until the
 * interactive map is drawn for the same indicator and year (the layout's first map may be of
 * another indicator); then it is removed. */
(function () {
    'use strict';
    var frame = document.getElementById('first-paint');
    if (!frame) {
        return;
    }
    /* out of Dash's root, just before it: Dash's first render there (its "Loading..." until
       the layout has come) would take the picture off the screen until the page is built */
    var root = document.getElementById('react-entry-point');
    if (root && root.contains(frame)) {
        root.parentNode.insertBefore(frame, root);
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
