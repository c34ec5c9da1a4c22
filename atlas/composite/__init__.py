"""Where risks pile up: the composite index (Sozialindex), its robustness, similar areas and
types of areas. Pure arithmetic over the areas of one level; no Dash, no data loading."""
