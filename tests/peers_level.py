"""An own level with several indicators, for the tests of similar areas and types (unit and
browser): the Gemeinden of the Kreis with the most Gemeinden as own areas
(:func:`tests.conftest.own_level_parts`), with their Zensus population as an own count and their
two built Gemeinde rates (settlement area, its change) re-keyed as own rates – real values."""

from __future__ import annotations

import pandas as pd

from tests.conftest import own_level_parts

PEER_LEVEL = "orte_vergleich"
PEER_COUNT = "orte_vergleich_einwohner"
#: own rate → the built Gemeinde rate whose values it carries
PEER_RATES = {"orte_vergleich_siedlung": "gemeinde_anteil_siedlungsflaeche",
              "orte_vergleich_siedlung_neu": "gemeinde_veraenderung_siedlungsflaeche"}


def _rekeyed(data, source: str, gemeinden: list[str]) -> pd.DataFrame:
    """The built values of ``source`` for ``gemeinden`` keyed as the own areas (last three
    digits of the AGS), every year."""
    rows = data.values[(data.values["indicator"] == source) & data.values["ags"].isin(gemeinden)]
    return pd.DataFrame({"ags": rows["ags"].str[-3:], "year": rows["year"].astype(int),
                         "value": rows["value"].astype(float),
                         "status": rows["status"].fillna("").where(rows["value"].isna(), "")}
                        ).reset_index(drop=True)


def add_peer_level(store, data) -> list:
    """Add the level and its three indicators to ``store``; return the stored indicators."""
    from atlas.store import OwnIndicator, OwnLevel

    kreis, areas, links, population = own_level_parts(data)
    gemeinden = data.level_of("gemeinde").in_kreis(kreis)
    store.add_level(OwnLevel(id=PEER_LEVEL, title="Orte zum Vergleich", singular="Ort",
                             gebietsstand=data.level_of("gemeinde").gebietsstand,
                             source="BKG VG5000 (Gemeinden als eigene Gebiete)",
                             licence="dl-de/by-2-0", visibility="oeffentlich"), areas, links)

    def own(indicator_id, title, unit, decimals, kind, source, values):
        return store.add(OwnIndicator(
            id=indicator_id, title=title, unit=unit, decimals=decimals, kind=kind,
            definition="", area=data.indicator(source).area, life_phases=("kindheit",),
            polarity="neutral", source="Statistische Ämter des Bundes und der Länder",
            licence="dl-de/by-2-0", filename="orte.csv", file_format="CSV", code=indicator_id,
            level=PEER_LEVEL, visibility="oeffentlich"), values)  # published: seen by visitors

    added = [own(PEER_COUNT, "Einwohner je Ort", "Anzahl", 0, "count",
                 "gemeinde_bevoelkerung_zensus", population)]
    for indicator_id, source in PEER_RATES.items():
        built = data.indicator(source)
        added.append(own(indicator_id, f"{built.short_title} je Ort", "%", built.decimals,
                         "rate", source, _rekeyed(data, source, gemeinden)))
    return added
