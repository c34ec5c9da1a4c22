/*
 * Sozialstrukturatlas Thüringen – the graphs' toolbars (plotly's modebar) stay out of the Tab
 * order: its few buttons (zoom in, zoom out, reset; layouts/main.py GRAPH_CONFIG) are for the
 * mouse, keyboard users have the page's own controls and exports. Plotly draws the toolbar
 * when a graph is drawn and redraws it at will, so every toolbar button is taken out as it
 * appears.
 */
(function () {
    'use strict';

    var BUTTONS = '.modebar-btn';

    function untab(root) {
        if (root.matches && root.matches(BUTTONS)) {
            root.setAttribute('tabindex', '-1');
        }
        if (root.querySelectorAll) {
            root.querySelectorAll(BUTTONS + ':not([tabindex="-1"])').forEach(function (button) {
                button.setAttribute('tabindex', '-1');
            });
        }
    }

    function start() {
        untab(document);
        if (!window.MutationObserver) {
            return;
        }
        new window.MutationObserver(function (records) {
            records.forEach(function (record) {
                record.addedNodes.forEach(function (node) {
                    if (node.nodeType === 1) {
                        untab(node);
                    }
                });
            });
        }).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}());
