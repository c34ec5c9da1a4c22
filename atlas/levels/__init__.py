"""Spatial levels: the one place of the concept.

A *level* is a set of areas with keys, names and boundaries, a Gebietsstand and a source: the
built levels ``kreis`` (22 Kreise) and ``gemeinde`` (the Gemeinden) and the planners' own levels
(Sozialräume, statistical districts, groups of Gemeinden). Everything that depends on which
level is shown asks a :class:`~atlas.levels.registry.Level` and knows nothing else about it.

The package:

* :mod:`atlas.levels.types` – the small value types shared by the parts (findings, area sets);
* :mod:`atlas.levels.boundaries` – an own level from a boundary file (GeoJSON, GeoPackage,
  Shapefile, zipped Shapefile), checked and reprojected;
* :mod:`atlas.levels.groups` – an own level from groups of Gemeinden (``ags;name``);
* :mod:`atlas.levels.linkage` – which Kreis and Gemeinden an own area lies in, by area share;
* :mod:`atlas.levels.rollup` – counts of a finer level summed into a coarser one;
* :mod:`atlas.levels.protection` – small numbers protected (primary and secondary suppression).
"""
