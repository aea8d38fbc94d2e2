"""Cross-article fusion: each criterion, the config's thresholds, provenance, representative values,
confidence, stable ids, and incremental adding = fusing all at once (also over random orders)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsevents.fusion import FusedEvent, Fuser, FusionConfig, Mention, fuse, mentions_of
from newsevents.fusion.compat import actors_agree, agree, linked
from newsevents.fusion.fused import fused_id
from newsevents.model import Actor, Article, Event, Place, Span

ALEPPO = Place("Aleppo", 0, 6, "Aleppo", "SYR", 36.2021, 37.1343, "city", 170063)
AL_BAB = Place("al-Bab", 0, 6, "Al Bab", "SYR", 36.3705, 37.5157, "city", 170017)  # ~40 km from Aleppo
HAMA = Place("Hama", 0, 4, "Hama", "SYR", 35.1318, 36.7578, "city", 170017 + 1)  # ~120 km
SYRIA = Place("Syria", 0, 5, "Syria", "SYR", 35.0, 38.0, "country", 163843)
IDLIB_PROVINCE = Place("Idlib", 0, 5, "Idlib", "SYR", 35.83, 36.63, "admin1", 169388)


def mention(mid: str, source: str | None = "RUSMIL", target: str | None = "SYRREB", cameo: str = "190",
            date: str | None = "2019-10-01", precision: str | None = "day", place: Place | None = None,
            modality: str = "asserted", article: str | None = None, outlet: str | None = None,
            published: str = "2019-10-02", sentence: int = 0) -> Mention:
    article = article or f"a-{mid}"
    return Mention(
        id=mid, article_id=article, outlet=outlet or f"outlet of {article}", url=f"https://example.org/{article}",
        published=published, sentence_start=sentence, sentence_end=sentence + 50, trigger_text="struck",
        trigger_start=sentence + 10, trigger_end=sentence + 16, source=source, target=target, cameo=cameo,
        cameo_root=cameo[:2], plover=None, modality=modality, date=date, date_precision=precision, location=place,
    )


def clusters(events: list[FusedEvent]) -> list[list[str]]:
    return sorted(sorted(e.mention_ids) for e in events)


def fused(*mentions: Mention, config: FusionConfig | None = None) -> list[list[str]]:
    fuser = Fuser(config)
    fuser.add_mentions(mentions)
    return clusters(fuser.events())


def together(a: Mention, b: Mention, config: FusionConfig | None = None) -> bool:
    return len(fused(a, b, config=config)) == 1


# --- actors and dyads ---------------------------------------------------------------------------------------


def test_country_level_actor_matches_its_sectors():
    assert actors_agree("RUS", "RUSMIL") and actors_agree("RUSMIL", "RUS")
    assert actors_agree("TURREB", "TURREBPKK") and actors_agree("IGO", "IGOUNO")
    assert not actors_agree("RUS", "UKRMIL") and not actors_agree("IGOUNO", "IGOEUREEC")
    assert together(mention("a", source="RUS"), mention("b", source="RUSMIL"))


def test_sectors_agree_only_when_equivalent_for_the_act():
    config = FusionConfig()
    assert actors_agree("KENCOP", "KENMIL", config)  # police and security forces
    assert actors_agree("NGAINSBKH", "NGAREB", config)  # militants and rebels
    assert actors_agree("IRQOPP", "IRQCVL", config)  # protesters and civilians shot at
    # a government acts through its forces in acts of force, not in talks
    assert actors_agree("TURGOV", "TURMIL", config, "force")
    assert not actors_agree("TURGOV", "TURMIL", config, "consult")
    assert together(mention("a", source="TURGOV"), mention("b", source="TURMIL"))
    assert not together(mention("a", source="RUSGOV", cameo="040"), mention("b", source="RUSMIL", cameo="040"))
    strict = FusionConfig(equivalent_sectors=(), state_sectors=frozenset())
    assert not together(mention("a", source="TURGOV"), mention("b", source="TURMIL"), config=strict)


def test_unknown_country_actor_agrees_but_cannot_carry_a_match():
    # "police arrested protesters" (unknown countries) vs Kenyan police: the target must carry the match
    a = mention("a", source="---COP", target="KENOPP", cameo="173")
    b = mention("b", source="KENCOP", target="KENOPP", cameo="173")
    assert together(a, b)
    # both sides unknown and no place: nothing pins the two mentions to the same actors
    c = mention("c", source="---COP", target="---OPP", cameo="173")
    d = mention("d", source="---COP", target="---OPP", cameo="173")
    assert not together(c, d)
    # at a place of a known country, an unknown-country actor is pinned to it
    assert together(replace(c, location=ALEPPO), replace(d, location=AL_BAB))


def test_swapped_actors_only_for_symmetric_codes():
    strike = mention("a", source="RUSMIL", target="SYRREB")
    counter = mention("b", source="SYRREB", target="RUSMIL")
    assert not together(strike, counter)  # who struck whom matters
    visit = mention("c", source="JPNGOV", target="KORGOV", cameo="042")  # Japan visited Korea
    host = mention("d", source="KORGOV", target="JPNGOV", cameo="043")  # Korea hosted Japan
    assert together(visit, host)
    deal = mention("e", source="ETH", target="ERI", cameo="057")
    assert together(deal, mention("f", source="ERI", target="ETH", cameo="057"))
    assert not together(mention("g", source="ETH", target="ERI", cameo="051"), mention("h", source="ERI", target="ETH", cameo="051"))


def test_missing_actor_is_compatible_unless_configured_otherwise():
    full = mention("a", source="TURMIL", target="TURREBPKK")
    no_target = mention("b", source="TURMIL", target=None)
    assert together(full, no_target)
    assert not together(full, no_target, config=FusionConfig(missing_actor_matches=False))
    # a mention with neither actor is pinned to nothing: only its own article can link it
    assert not together(full, mention("c", source=None, target=None))
    assert together(full, mention("d", source=None, target=None, article=full.article_id, sentence=100))


def test_same_article_links_a_sentence_without_actors():
    a = mention("a", source="NGAINSBKH", target="NGAMIL", article="x", sentence=0)
    b = mention("b", source=None, target="---MIL", article="x", sentence=80)
    config = FusionConfig()
    assert linked(a, b, config) and agree(a, b, config)
    assert not linked(a, replace(b, article_id="y"), config) and agree(a, replace(b, article_id="y"), config)


# --- acts, dates, places, modality ---------------------------------------------------------------------------


def test_compatible_roots_fuse_and_others_do_not():
    fight = mention("a", cameo="190")
    assert together(fight, mention("b", cameo="183"))  # 18 assault
    assert together(fight, mention("c", cameo="202"))  # 20 mass violence
    assert not together(fight, mention("d", cameo="040"))  # 04 consult
    assert not together(fight, mention("e", cameo="173"))  # 17 coerce: an arrest is another act
    own_families = FusionConfig(root_families={"19": "fight", "18": "assault"})
    assert not together(fight, mention("f", cameo="183"), config=own_families)


def test_date_window():
    base = mention("a", date="2019-10-01")
    assert together(base, mention("b", date="2019-10-04"))  # 3 days: the default window
    assert not together(base, mention("c", date="2019-10-05"))
    assert not together(base, mention("d", date="2019-10-04"), config=FusionConfig(date_window_days=2))
    assert together(base, mention("e", date="2019-10-08"), config=FusionConfig(date_window_days=7))


def test_date_precision():
    month = mention("a", date="2019-10-01", precision="month")  # "in October"
    assert together(month, mention("b", date="2019-10-29"))
    assert together(month, mention("c", date="2019-11-02"))  # 2 days after the month ends
    assert not together(month, mention("d", date="2019-11-05"))
    week = mention("e", date="2019-09-30", precision="year")  # a week straddling months is coded as a year
    assert together(week, mention("f", date="2019-05-05"))
    assert not together(mention("g", date=None, precision=None), mention("h", date=None, precision=None))


def test_place_distance():
    here = mention("a", place=ALEPPO)
    assert together(here, mention("b", place=AL_BAB))  # ~40 km
    assert not together(here, mention("c", place=HAMA))  # ~120 km
    assert together(here, mention("d", place=HAMA), config=FusionConfig(distance_km=150))
    assert together(here, mention("e", place=None))  # unknown place
    assert together(here, mention("f", place=SYRIA))  # the country holds the town
    assert not together(here, mention("g", place=replace(SYRIA, country="TUR", name="Turkey", geonames_id=None)))
    assert together(mention("h", place=IDLIB_PROVINCE), mention("i", place=ALEPPO))  # a province: region_km
    assert not together(mention("j", place=IDLIB_PROVINCE), mention("k", place=ALEPPO), config=FusionConfig(region_km=50))


def test_modality_classes():
    asserted = mention("a", modality="asserted")
    assert together(asserted, mention("b", modality="reported"))
    assert not together(asserted, mention("c", modality="intended"))
    assert not together(asserted, mention("d", modality="negated"))
    assert together(mention("e", modality="intended"), mention("f", modality="intended"))
    assert not together(mention("g", modality="hypothetical"), mention("h", modality="intended"))
    fuser = Fuser()
    fuser.add_mentions([mention("i", modality="intended"), mention("j", modality="intended", article="k")])
    (plan,) = fuser.events()
    assert not plan.factual and plan.modality == "intended"
    assert plan.confidence < 0.25


def test_complete_link_stops_chains():
    # daily strikes two days apart: each neighbour is within the window, the ends are not
    days = [mention(f"m{i}", date=f"2019-10-{1 + 2 * i:02d}") for i in range(4)]
    groups = fused(*days)
    assert len(groups) == 2
    for group in groups:
        dates = sorted(next(m.date for m in days if m.id == mid) for mid in group)
        assert (int(dates[-1][-2:]) - int(dates[0][-2:])) <= 3


def test_a_sentence_second_event_joins_its_first():
    # "Boko Haram attacked a base near Maiduguri, killing nine soldiers": the second event has no place
    # and could join another same-day attack of the article; it joins its own sentence's event
    attack = mention("a", source="NGAINSBKH", target="NGAMIL", place=Place("Maiduguri", 0, 9, "Maiduguri", "NGA", 11.85, 13.16, "city"), article="x", sentence=0)
    killing = mention("b", source="NGAINSBKH", target="---MIL", article="x", sentence=0)
    other = mention("c", source="NGAINSBKH", target="NGA", place=Place("Baga", 0, 4, "Baga", "NGA", 13.1, 13.83, "city"), article="x", sentence=200)
    assert fused(attack, killing, other) == [["a", "b"], ["c"]]


# --- the fused event ------------------------------------------------------------------------------------------


def test_representative_values_confidence_and_reports():
    mentions = [
        mention("a", source="RUS", target="SYRREB", cameo="190", place=SYRIA, outlet="Wire One", published="2019-10-02"),
        mention("b", source="RUSMIL", target="SYRREB", cameo="195", place=ALEPPO, outlet="Wire Two", published="2019-10-03"),
        mention("c", source="RUSMIL", target=None, cameo="195", place=ALEPPO, outlet="wire two", published="2019-10-05",
                modality="reported", date="2019-10-02"),
        mention("d", source="RUSMIL", target="SYRREB", cameo="190", date="2019-10-01", precision="month", outlet="Daily"),
    ]
    (event,) = fuse_mentions(mentions)
    assert (event.source, event.target, event.cameo, event.cameo_root) == ("RUSMIL", "SYRREB", "195", "19")
    assert (event.date, event.date_precision) == ("2019-10-01", "day")  # day precision beats the month
    assert event.location.name == "Aleppo"  # the town beats the country
    assert (event.articles, event.outlets) == (4, 3)  # "Wire Two" and "wire two" are one outlet
    assert (event.first_report, event.last_report) == ("2019-10-02", "2019-10-05")
    assert event.modality == "asserted" and event.factual
    assert event.confidence == pytest.approx(1 - 0.5 ** 3)
    assert event.outlet_names == ["Daily", "Wire One", "Wire Two"]


def fuse_mentions(mentions: list[Mention], config: FusionConfig | None = None) -> list[FusedEvent]:
    fuser = Fuser(config)
    fuser.add_mentions(mentions)
    return fuser.events()


def test_confidence_from_outlets_and_modality():
    config = FusionConfig()
    one = fuse_mentions([mention("a", outlet="A")])[0]
    same_outlet = fuse_mentions([mention("a", outlet="A"), mention("b", outlet="A")])[0]
    two = fuse_mentions([mention("a", outlet="A"), mention("b", outlet="B")])[0]
    reported = fuse_mentions([mention("a", outlet="A", modality="reported")])[0]
    assert one.confidence == same_outlet.confidence == 0.5
    assert two.confidence == 0.75
    assert reported.confidence == pytest.approx(config.outlet_weight * 0.6)
    assert fuse_mentions([mention("a", outlet="A")], FusionConfig(outlet_weight=0.8))[0].confidence == 0.8


def test_provenance_is_kept():
    event = Event(
        id="ev1", sentence="Russian jets struck rebels near Aleppo.", sentence_start=100, sentence_end=139,
        trigger=Span("struck", 113, 119), source=Actor("Russian jets", 100, 112, "RUSMIL", "Russia", "RUS", "MIL", "RUSMIL", "composite"),
        target=None, cameo="190", cameo_root="19", cameo_name="", goldstein=-10.0, quad_class=4, plover="ASSAULT",
        modality="asserted", attributed_to=None, date="2019-10-01", date_precision="day", date_text="on Tuesday", location=ALEPPO,
    )
    article = Article(id="art1", text="x" * 200, url="https://a.example/1", outlet="A", published="2019-10-02", events=[event])
    (fe,) = Fuser().add(article)
    (m,) = fe.mentions
    assert (m.id, m.article_id, m.url, m.outlet, m.published) == ("ev1", "art1", "https://a.example/1", "A", "2019-10-02")
    assert (m.sentence_start, m.sentence_end, m.trigger_text, m.trigger_start, m.trigger_end) == (100, 139, "struck", 113, 119)
    assert m.location == ALEPPO
    assert FusedEvent.from_dict(fe.to_dict()) == fe
    assert Mention.from_dict(m.to_dict()) == m


def test_copies_add_nothing():
    article = Article(id="copy", text="x", duplicate_of="original", events=[])
    assert mentions_of(article) == [] and Fuser().add(article) == []


# --- ids, resuming, incremental -----------------------------------------------------------------------------


def test_ids_are_stable_and_come_from_the_first_mention():
    ms = [mention("b", date="2019-10-02"), mention("a", date="2019-10-01", outlet="x")]
    (event,) = fuse_mentions(ms)
    assert event.mention_ids[0] == "a" and event.id == fused_id(event.mentions[0])
    assert fuse_mentions(list(reversed(ms)))[0].id == event.id


def test_add_reports_created_updated_and_removed():
    fuser = Fuser()
    first = fuser.add_mentions([mention("b", date="2019-10-02")])
    assert [e.mention_ids for e in first.created] == [["b"]] and not first.updated and not first.removed
    second = fuser.add_mentions([mention("c", date="2019-10-03")])
    assert [e.mention_ids for e in second.updated] == [["b", "c"]] and not second.created
    # an earlier mention becomes the first one: the event is renamed (old id removed, new one created)
    third = fuser.add_mentions([mention("a", date="2019-10-01")])
    assert third.removed == [first.created[0].id]
    assert [e.mention_ids for e in third.created] == [["a", "b", "c"]]
    assert fuser.add_mentions([mention("a", date="2019-10-01")]).changed == []  # already there


def test_load_resumes_from_stored_events():
    ms = [mention("a"), mention("b", date="2019-10-02"), mention("c", date="2019-10-20"), mention("d", cameo="040")]
    stored = [FusedEvent.from_dict(e.to_dict()) for e in fuse_mentions(ms)]
    resumed = Fuser()
    resumed.load(stored)
    assert [e.to_dict() for e in resumed.events()] == [e.to_dict() for e in stored]
    update = resumed.add_mentions([mention("e", date="2019-10-21")])
    assert [e.mention_ids for e in update.updated] == [["c", "e"]]


def test_index_finds_only_candidates():
    fuser = Fuser()
    fuser.add_mentions([mention(f"far{i}", source="USAMIL", target="AFGREB", date=f"2019-{1 + i % 12:02d}-15") for i in range(200)])
    fuser.add_mentions([mention(f"near{i}", date="2019-10-01") for i in range(3)])
    probe = mention("probe", date="2019-10-02")
    assert set(fuser._index.candidates(probe)) == {"near0", "near1", "near2"}


def _articles_of(mentions: list[Mention]) -> list[Article]:
    """Articles whose events become exactly these mentions (for the Article-level API)."""
    by_article: dict[str, list[Mention]] = {}
    for m in mentions:
        by_article.setdefault(m.article_id, []).append(m)
    out = []
    for aid, ms in by_article.items():
        events = [Event(
            id=m.id, sentence="s", sentence_start=m.sentence_start, sentence_end=m.sentence_end,
            trigger=Span(m.trigger_text, m.trigger_start, m.trigger_end),
            source=_actor(m.source), target=_actor(m.target), cameo=m.cameo, cameo_root=m.cameo_root, cameo_name="",
            goldstein=0.0, quad_class=4, plover=m.plover, modality=m.modality, attributed_to=None, date=m.date,
            date_precision=m.date_precision, date_text=None, location=m.location,
        ) for m in ms]
        out.append(Article(id=aid, text="", url=ms[0].url, outlet=ms[0].outlet, published=ms[0].published, events=events))
    return out


def _actor(code: str | None) -> Actor | None:
    return None if code is None else Actor(code, 0, 1, code, code, code[:3], code[3:6] or None, code, "composite")


PLACES = [None, ALEPPO, AL_BAB, HAMA, SYRIA, IDLIB_PROVINCE]
mention_strategy = st.builds(
    lambda i, art, src, tgt, code, day, prec, place, mod, sent: mention(
        f"m{i}", source=src, target=tgt if (src or tgt) else "SYR", cameo=code, date=f"2019-10-{day:02d}",
        precision=prec, place=place, modality=mod, article=f"art{art}", outlet=f"outlet{art % 3}", sentence=sent * 60),
    st.integers(0, 10**9), st.integers(0, 6),
    st.sampled_from(["RUS", "RUSMIL", "RUSGOV", "---MIL", None, "SYR"]),
    st.sampled_from(["SYR", "SYRREB", "---INS", None, "RUS"]),
    st.sampled_from(["190", "195", "183", "042", "043", "057", "173"]),
    st.integers(1, 20), st.sampled_from(["day", "day", "day", "month", "year"]),
    st.sampled_from(PLACES), st.sampled_from(["asserted", "reported", "negated"]), st.integers(0, 2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mention_strategy, min_size=1, max_size=30, unique_by=lambda m: m.id), st.randoms(use_true_random=False))
def test_incremental_equals_batch_in_any_order(mentions, rng):
    articles = _articles_of(mentions)
    batch = fuse(articles)
    order = list(articles)
    rng.shuffle(order)
    fuser = Fuser()
    live: dict[str, FusedEvent] = {}
    for article in order:
        update = fuser.update(article)
        for gone in update.removed:
            live.pop(gone)
        for e in update.changed:
            live[e.id] = e
    # same clusters, same ids, same summaries; and the updates told the whole story
    assert [e.to_dict() for e in fuser.events()] == [e.to_dict() for e in batch]
    assert sorted(live) == sorted(e.id for e in batch)
    assert all(live[e.id].to_dict() == e.to_dict() for e in batch)
    # every fused event is complete-link: all its mention pairs agree
    config = FusionConfig()
    for e in batch:
        assert all(agree(a, b, config) for a in e.mentions for b in e.mentions if a is not b)


def test_incremental_equals_batch_on_many_random_corpora():
    rng = random.Random(7)
    codes = ["RUS", "RUSMIL", "SYR", "SYRREB", "TUR", None]
    for _ in range(40):
        ms = [mention(f"m{i}", source=rng.choice(codes[:-1]), target=rng.choice(codes), cameo=rng.choice(["190", "183", "040", "057"]),
                      date=f"2019-10-{rng.randint(1, 25):02d}", place=rng.choice(PLACES), article=f"a{rng.randint(0, 15)}", sentence=rng.randint(0, 3) * 60)
              for i in range(rng.randint(5, 60))]
        articles = _articles_of(ms)
        expected = clusters(fuse(articles))
        for _ in range(3):
            rng.shuffle(articles)
            fuser = Fuser()
            for a in articles:
                fuser.add(a)
            assert clusters(fuser.events()) == expected
