/* The atlas's own tabs (layouts/tabs.py): the WAI-ARIA tabs pattern.
 * - tabs.choose: a click on a tab → the group's store (the tab's value)
 * - tabs.show: the store → aria-selected, roving tabindex and classes of the tabs, hidden panels
 * - keys: on a tab, ArrowLeft/ArrowRight (wrapping), Home and End move the focus and show that tab
 *   (automatic activation); Tab leaves the tablist for the shown panel. */
(function () {
    'use strict';
    var dc = window.dash_clientside = window.dash_clientside || {};

    function context() {
        return dc.callback_context || {};
    }

    function tabOf(group, id, kind) {
        var prefix = group + '-' + kind + '-';
        return typeof id === 'string' && id.indexOf(prefix) === 0 ? id.slice(prefix.length) : null;
    }

    dc.tabs = {
        choose: function () {
            var ctx = context();
            var group = (ctx.outputs_list || {}).id;
            var tab = tabOf(group, ctx.triggered_id, 'tab');
            return tab === null ? dc.no_update : tab;
        },

        /* any tab's n_clicks, …, State count → count + 1 */
        count: function () {
            var n = arguments[arguments.length - 1];
            return (n || 0) + 1;
        },

        /* {tab, chosen} asked for by an address, State count → the tab, unless the user chose
           a tab after the address was read */
        fromUrl: function (wanted, count) {
            if (!wanted || !wanted.tab || (wanted.chosen || 0) !== (count || 0)) {
                return dc.no_update;
            }
            return wanted.tab;
        },

        /* TABS → the content of a lazy tab shown for the first time (from its store), and
           TAB_SHOWN: the tab, now that its content is in the page */
        fill: function (active) {
            var outputs = context().outputs_list || [];
            var lazy = outputs.length - 1;
            var contents = Array.prototype.slice.call(arguments, 1, 1 + lazy);
            var children = Array.prototype.slice.call(arguments, 1 + lazy, 1 + 2 * lazy);
            return outputs.map(function (output, index) {
                if (index === lazy) {
                    return active;
                }
                var tab = output.id.slice(output.id.lastIndexOf('-panel-') + 7);
                var empty = children[index] === null || children[index] === undefined;
                return tab === active && empty ? contents[index] : dc.no_update;
            });
        },

        show: function (active) {
            var outputs = context().outputs_list || [];
            if (!outputs.length) {
                return dc.no_update;
            }
            var group = null;
            return outputs.map(function (output) {
                var id = output.id;
                var tab = null;
                if (group === null) {
                    group = id.slice(0, id.lastIndexOf('-tab-'));
                }
                tab = tabOf(group, id, 'tab');
                var isPanel = tab === null;
                if (isPanel) {
                    tab = tabOf(group, id, 'panel');
                }
                var selected = tab === active;
                switch (output.property) {
                case 'aria-selected':
                    return selected ? 'true' : 'false';
                case 'tabIndex':
                    return selected ? '0' : '-1';
                case 'hidden':
                    return !selected;
                case 'className':
                    return isPanel ? (selected ? 'tab-pane active' : 'tab-pane')
                        : (selected ? 'nav-link active' : 'nav-link');
                }
                return dc.no_update;
            });
        }
    };

    document.addEventListener('keydown', function (event) {
        var tab = event.target && event.target.closest && event.target.closest('[role="tab"]');
        var list = tab && tab.closest('[role="tablist"]');
        if (!list || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        var tabs = Array.prototype.filter.call(list.querySelectorAll('[role="tab"]'),
            function (t) { return !t.disabled && t.offsetParent !== null; });
        var index = tabs.indexOf(tab);
        var next = null;
        if (event.key === 'ArrowRight' || event.key === 'Right') {
            next = tabs[(index + 1) % tabs.length];
        } else if (event.key === 'ArrowLeft' || event.key === 'Left') {
            next = tabs[(index - 1 + tabs.length) % tabs.length];
        } else if (event.key === 'Home') {
            next = tabs[0];
        } else if (event.key === 'End') {
            next = tabs[tabs.length - 1];
        }
        if (!next) {
            return;
        }
        event.preventDefault();
        event.stopPropagation();
        next.focus();
        if (next.getAttribute('aria-selected') !== 'true') {
            next.click();
        }
    }, true);
}());
