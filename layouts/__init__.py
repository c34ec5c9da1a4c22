"""Component trees of the atlas (no callbacks here)."""
