/*
 * Sozialstrukturatlas Thüringen – dropdowns (dcc.Dropdown of dash 4): an opened dropdown with a
 * search field puts the keyboard focus into it, so typing right after opening filters the
 * options (dash 4 focuses the chosen option instead, and typed letters went nowhere). The
 * arrow keys still move through the options from the search field.
 */
(function () {
    'use strict';

    var CONTENT = '.dash-dropdown-content';
    var SEARCH = 'input[type="search"], input.dash-dropdown-search, .dash-dropdown-search input';

    function focusSearch(content) {
        var search = content.querySelector(SEARCH);
        if (search && document.activeElement !== search) {
            search.focus({preventScroll: true});
        }
    }

    function opened(node) {
        if (node.nodeType !== 1) {
            return;
        }
        var contents = node.matches(CONTENT) ? [node] :
            Array.prototype.slice.call(node.querySelectorAll(CONTENT));
        contents.forEach(function (content) {
            // after the dropdown's own focus handling of this opening
            window.requestAnimationFrame(function () { focusSearch(content); });
        });
    }

    function start() {
        if (!window.MutationObserver) {
            return;
        }
        new window.MutationObserver(function (records) {
            records.forEach(function (record) {
                record.addedNodes.forEach(opened);
            });
        }).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}());
