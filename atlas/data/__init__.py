"""The atlas data: built once, loaded once per process, never mutated.

- :mod:`atlas.data.model`: :class:`AtlasData`, the data as one object with pure queries;
- :mod:`atlas.data.built`: the built levels (Kreise, Gemeinden) made from the built frames;
- :mod:`atlas.data.loading`: reading and verifying the built folder (:func:`load`);
- :mod:`atlas.data.own`: the planners' own indicators and levels merged in;
- :mod:`atlas.data.process`: the data of this process (:func:`get_data`), renewed when the store
  changes;
"""

from atlas.data.loading import DataCorrupt, DataNotBuilt, load
from atlas.data.model import AtlasData, Reference
from atlas.data.process import data_changed, get_data, own_part, own_store, reset_data

__all__ = ["AtlasData", "DataCorrupt", "DataNotBuilt", "Reference", "data_changed", "get_data",
           "load", "own_part", "own_store", "reset_data"]
