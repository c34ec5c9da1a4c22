"""The page „Erklärung zur Barrierefreiheit“ (BITV 2.0 § 7: status, known limits, feedback
contact, enforcement procedure). The contact is the deploying authority's:
environment variable ``ATLAS_A11Y_CONTACT`` (plain text, shown as text); without it a German
placeholder says what to fill in."""

from __future__ import annotations

import os
from html import escape

from flask import Blueprint

PATH = "/barrierefreiheit"
CONTACT_ENV = "ATLAS_A11Y_CONTACT"
#: Shown until the deploying authority names its contact.
CONTACT_PLACEHOLDER = ("[Kontakt noch nicht eingetragen – die betreibende Stelle setzt ihn mit "
                       f"der Umgebungsvariable {CONTACT_ENV}, z. B. „Landratsamt Musterkreis, "
                       "Sozialplanung, barrierefreiheit@example.org, 0361 000000“]")
STATUS = ("Dieser Sozialstrukturatlas ist teilweise mit der Barrierefreie-Informationstechnik-"
          "Verordnung (BITV 2.0) und der Norm EN 301 549 (WCAG 2.1, Stufe AA) vereinbar. Die "
          "Prüfung erfolgt automatisch mit axe-core bei jeder Änderung (alle Ansichten, Eigene "
          "Daten, Präsentationsmodus, Sitzungsfolgen) und durch Bedienung nur mit der Tastatur.")
#: What is known not to be accessible yet (issue #18 lists the rest of the work).
KNOWN_LIMITS = (
    "Karten und Diagramme sind Grafiken: Ihre Aussage steht als Text in ihrer Beschriftung und in "
    "einer Tabelle zu jeder Karte („Tabelle der Kartenwerte“, „Tabelle der Veränderung“, "
    "„Tabelle der Cluster“; in der Präsentation mit der Taste T oder der Schaltfläche „Tabelle“).",
    "Die Auswahl von Gebieten per Klick in die Karte geht nur mit der Maus; mit der Tastatur "
    "wählen Sie Gebiete im Feld „Gebiete vergleichen“.",
    "Die Farben der fehlenden Werte sind gegen jede Farbpalette auch bei Farbfehlsichtigkeit "
    "geprüft. Nur „geschützt (kleine Zahlen)“ ist hellgrau wie die hellsten Klassen mancher "
    "Paletten und wird durch seinen dunklen Rand unterschieden; sein Grund steht in Legende, "
    "Tabelle und beim Zeigen auf das Gebiet.",
    "Die Werkzeugleisten der Diagramme (Vergrößern, Verkleinern) sind nur mit der Maus "
    "bedienbar; die Tastatur erreicht dieselben Inhalte über die Tabellen und Exporte.",
)


def contact(environ=os.environ) -> str:
    """The feedback contact (text) or the placeholder."""
    return (environ.get(CONTACT_ENV) or "").strip() or CONTACT_PLACEHOLDER


def statement_html(contact_text: str) -> str:
    """The whole page (German, plain HTML, no script: it works under any CSP)."""
    limits = "\n".join(f"<li>{escape(limit)}</li>" for limit in KNOWN_LIMITS)
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="Erklärung zur Barrierefreiheit des Sozialstrukturatlas Thüringen">
<title>Erklärung zur Barrierefreiheit – Sozialstrukturatlas Thüringen</title>
<link rel="stylesheet" href="/vendor/bootstrap/bootstrap.min.css">
</head>
<body>
<header class="py-2 mb-4 text-white" style="background:#0a58ca"><div class="container">
<a class="h4 text-white text-decoration-none" href="/">Sozialstrukturatlas Thüringen</a>
</div></header>
<main class="container" id="inhalt">
<h1 class="h3">Erklärung zur Barrierefreiheit</h1>
<h2 class="h5 mt-4">Stand der Vereinbarkeit</h2>
<p>{escape(STATUS)}</p>
<h2 class="h5 mt-4">Nicht barrierefreie Inhalte</h2>
<ul>
{limits}
</ul>
<h2 class="h5 mt-4">Feedback und Kontakt</h2>
<p>Barrieren melden und Inhalte in zugänglicher Form anfragen:</p>
<p id="a11y-kontakt" class="fw-semibold">{escape(contact_text)}</p>
<h2 class="h5 mt-4">Schlichtungsverfahren</h2>
<p>Bleibt eine Anfrage über den Kontakt ohne zufriedenstellende Antwort, können Sie sich an die
für die betreibende Stelle zuständige Schlichtungs- oder Durchsetzungsstelle nach
Landesrecht wenden (in Thüringen: die oder der Beauftragte für Menschen mit Behinderungen).</p>
<p class="mt-4"><a href="/">Zurück zum Atlas</a></p>
</main>
</body>
</html>
"""


a11y_pages = Blueprint("a11y_pages", __name__)


@a11y_pages.get(PATH)
def statement():
    return statement_html(contact()), 200, {"Content-Type": "text/html; charset=utf-8"}
