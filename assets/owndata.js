/* "Eigene Daten": after a change of the own data (a table imported, a computed indicator saved,
   edited or deleted) the texts, table and charts of the indicator shown are made again – its
   definition or its parts may have changed under the same id. The page settles the indicator
   only when it changes (views.js settleIndicator); here it is set anew once per revision, in the
   browser, so that no late answer can overwrite a newer choice. */
(function () {
    'use strict';

    var dc = window.dash_clientside = window.dash_clientside || {};
    var seen = null;

    dc.owndata = {
        /* INDICATOR.options (renewed by the indicator list after every revision), State
           OWN_REVISION.data, INDICATOR.value, INDICATOR_SETTLED.data → INDICATOR_SETTLED.data */
        refreshSettled: function (options, revision, indicator, settled) {
            if (seen === null || revision === seen) {
                seen = revision;
                return dc.no_update;
            }
            seen = revision;
            return indicator && settled === indicator ? indicator : dc.no_update;
        }
    };
})();
