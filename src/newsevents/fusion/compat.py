"""Whether two mentions can tell the same happening (each criterion on its own), and how alike they are."""

from __future__ import annotations

import math

from newsevents.fusion.config import FusionConfig
from newsevents.fusion.mention import Mention
from newsevents.model import Place

EARTH_RADIUS_KM = 6371.0088
UNKNOWN_COUNTRY = "---"
POINT_FEATURES = frozenset({"city", "site", "place"})  # places small enough for distance_km
BOUNDLESS_FEATURES = frozenset({"continent"})  # "in Africa" narrows nothing down
_DEFAULT = FusionConfig()


def actors_agree(a: str | None, b: str | None, config: FusionConfig | None = None, family: str | None = None) -> bool:
    """Two actor codes can name the same actor: compared in 3-letter groups over their common length, so
    that one may refine the other (RUS and RUSMIL, TURREB and TURREBPKK, IGO and IGOUNO). An unknown
    country ("---OPP") agrees with any country; sectors must be equal or equivalent for an act of this
    CAMEO family (config.same_sector: KENCOP and KENMIL always, TURGOV and TURMIL in acts of force)."""
    if a is None or b is None:
        return False
    if a == b:
        return True
    config = config or _DEFAULT
    memo = config.memo  # few distinct codes, compared very often
    key = (a, b, family)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _agree(a, b, config, family)
    return found


def _agree(a: str, b: str, config: FusionConfig, family: str | None) -> bool:
    for i in range(0, min(len(a), len(b)), 3):
        x, y = a[i : i + 3], b[i : i + 3]
        if x == y or (i == 0 and UNKNOWN_COUNTRY in (x, y)):
            continue
        if i == 3 and config.same_sector(x, y, family):
            continue
        return False
    return True


def anchor(code: str | None, m: Mention) -> str | None:
    """The country an actor is pinned to, for a match that can carry a dyad on its own: the code's own
    country (or organisation family); for an actor of unknown country ("gunmen", "police", "protesters")
    the country of the event's place. None when it is pinned to nothing."""
    if not code:
        return None
    if not code.startswith(UNKNOWN_COUNTRY):
        return code[:3]
    return m.location.country if m.location is not None and m.location.country else None


def _side(x: Mention, a: str | None, y: Mention, b: str | None, config: FusionConfig) -> tuple[bool, bool]:
    """(compatible, concrete) for one side of two dyads. A missing actor is compatible with anything when
    the config allows it, but never concrete. Agreeing actors are a concrete match when they are pinned to
    the same country (see `anchor`); an actor pinned to nothing agrees but cannot carry the match."""
    if a is None or b is None:
        return config.missing_actor_matches, False
    if not actors_agree(a, b, config, config.family(x.cameo_root)):
        return False, False
    pin = anchor(a, x)
    return True, pin is not None and pin == anchor(b, y)


def dyad_relation(x: Mention, y: Mention, config: FusionConfig) -> tuple[bool, bool]:
    """(agree, concrete). The dyads agree when source matches source and target matches target (each as in
    `actors_agree`, or missing), or, when both codes are symmetric (meetings, agreements, cooperation),
    source matches target and target source. The match is concrete when at least one side is a concrete
    match (`_side`): a dyad of unknown or missing actors agrees with much and is pinned to nothing."""
    agree, concrete = _dyad(x, y, y.source, y.target, config)
    if not concrete and config.is_symmetric(x.cameo) and config.is_symmetric(y.cameo):
        agree_swapped, concrete = _dyad(x, y, y.target, y.source, config)
        agree = agree or agree_swapped
    return agree, concrete


def _dyad(x: Mention, y: Mention, s2: str | None, t2: str | None, config: FusionConfig) -> tuple[bool, bool]:
    ok_s, concrete_s = _side(x, x.source, y, s2, config)
    ok_t, concrete_t = _side(x, x.target, y, t2, config)
    agree = ok_s and ok_t
    return agree, agree and (concrete_s or concrete_t)


def swapped(x: Mention, y: Mention, config: FusionConfig) -> bool:
    """True when y names x's actors the other way round (only possible for symmetric codes)."""
    if _dyad(x, y, y.source, y.target, config)[0]:
        return False
    return config.is_symmetric(x.cameo) and config.is_symmetric(y.cameo) and _dyad(x, y, y.target, y.source, config)[0]


def roots_agree(x: Mention, y: Mention, config: FusionConfig) -> bool:
    return config.family(x.cameo_root) == config.family(y.cameo_root)


def date_gap(x: Mention, y: Mention) -> int | None:
    """Days between the two date intervals (0 when they overlap); None when either is undated."""
    a, b = x.interval, y.interval
    if a is None or b is None:
        return None
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def dates_agree(x: Mention, y: Mention, config: FusionConfig) -> bool:
    """Within the window. An undated mention agrees with nothing: without a date it cannot be placed."""
    gap = date_gap(x, y)
    return gap is not None and gap <= config.date_window_days


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def places_agree(a: Place | None, b: Place | None, config: FusionConfig) -> bool:
    """An unknown place (or a continent) agrees with any. A country agrees with anything in that country
    (its point says nothing about where inside it); towns and sites agree within distance_km, and anything
    coarser (a region, a province, a district, a body of water: its point is only a centre) within
    region_km."""
    if a is None or b is None or a.feature in BOUNDLESS_FEATURES or b.feature in BOUNDLESS_FEATURES:
        return True
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return True
    if "country" in (a.feature, b.feature):
        return a.country == b.country
    point_like = a.feature in POINT_FEATURES and b.feature in POINT_FEATURES
    return distance_km(a, b) <= (config.distance_km if point_like else config.region_km)


def agree(x: Mention, y: Mention, config: FusionConfig) -> bool:
    """Nothing tells the two mentions apart: the same modality class, CAMEO family, dates within the
    window, places within the distance, and agreeing dyads (concrete or not)."""
    return (
        config.modality_class(x.modality) == config.modality_class(y.modality)
        and roots_agree(x, y, config)
        and dates_agree(x, y, config)
        and places_agree(x.location, y.location, config)
        and dyad_relation(x, y, config)[0]
    )


def linked(x: Mention, y: Mention, config: FusionConfig) -> bool:
    """The mentions agree and something ties them to each other: a concrete dyad match, or the same
    article (whose context names the actors a sentence such as "the raids killed 12 people" leaves out).
    A mention joins a cluster only when it is linked to one member and agrees with all of them."""
    if not agree(x, y, config):
        return False
    return x.article_id == y.article_id or dyad_relation(x, y, config)[1]


def similarity(x: Mention, y: Mention, config: FusionConfig) -> float:
    """How alike two agreeing mentions are, to choose between clusters a mention could join: closer
    dates, the same code, the same place, the same actor codes and the same article (above all the same
    sentence) score higher."""
    gap = date_gap(x, y) or 0
    score = 1.0 - gap / (config.date_window_days + 1)
    score += 0.5 if x.cameo == y.cameo else 0.25 if x.cameo_root == y.cameo_root else 0.0
    if x.location is not None and y.location is not None:
        same = x.location.name == y.location.name and x.location.country == y.location.country
        score += 0.5 if same else 0.25 * max(0.0, 1.0 - distance_km(x.location, y.location) / config.region_km)
    pairs = ((x.source, y.target), (x.target, y.source)) if swapped(x, y, config) else ((x.source, y.source), (x.target, y.target))
    score += sum(0.25 for a, b in pairs if a is not None and a == b)
    # two events the coder read in one sentence ("attacked a base, killing nine soldiers") are one act
    if x.article_id == y.article_id:
        same_sentence = x.sentence_start == y.sentence_start
        score += 1.0 if same_sentence else 0.25
    return score
