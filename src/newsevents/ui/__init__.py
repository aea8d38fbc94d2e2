"""The offline web dashboard: static files (ours) and the country outlines served with them."""

from newsevents.ui.world import STATIC_DIR, world_geojson

__all__ = ["STATIC_DIR", "world_geojson"]
