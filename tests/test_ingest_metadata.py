"""Publication-date sources and confidence, language, and where dates come from on HTML pages."""

from __future__ import annotations

from newsevents.ingest.clean import clean_document
from newsevents.ingest.date_check import date_confidence
from newsevents.model import Article, RawDocument

BODY = ("Turkish warplanes struck Kurdish militants in northern Iraq on December 26, 2015, the army said. "
        "Talks between the two governments resumed in January 2016 in Ankara, officials said.")


def test_a_date_far_after_everything_the_text_mentions_is_flagged():
    assert date_confidence("2016-01-10", "dateline", BODY) == 0.85
    assert date_confidence("2024-07-18", "dateline", BODY) < 0.3  # a scrape date, not publication
    assert date_confidence("2014-01-01", "input", BODY) < 0.3  # long before what it reports
    assert date_confidence(None, None, BODY) is None
    assert date_confidence("2016-01-10", "input", "No dates in this text at all.") == 0.9


def test_date_source_order_for_text():
    raw = RawDocument(origin="a.txt", content="Wednesday, November 18, 2015\n\n" + BODY, url="https://x.example/2015/11/17/story")
    article = clean_document(raw)
    assert isinstance(article, Article)
    assert (article.published, article.date_source) == ("2015-11-18", "dateline")
    article = clean_document(RawDocument(origin="a.txt", content=BODY, url="https://x.example/2015/11/17/story"))
    assert (article.published, article.date_source) == ("2015-11-17", "url")
    article = clean_document(RawDocument(origin="a.txt", content=BODY, published="2015-12-28"))
    assert (article.published, article.date_source, article.date_confidence) == ("2015-12-28", "input", 0.9)


def _page(head: str, body: str) -> str:
    return f"<!doctype html><html><head><title>Strikes in Iraq</title>{head}</head><body><article><h1>Strikes in Iraq</h1>{body}</article></body></html>"


def test_html_markup_date_then_page_text():
    paragraphs = "".join(f"<p>{BODY} Paragraph {i} adds more words so the extractor sees an article.</p>" for i in range(4))
    page = _page("<meta property='article:published_time' content='2015-12-27T10:00:00Z'>", paragraphs)
    article = clean_document(RawDocument(origin="p.html", content=page, kind="html"))
    assert (article.published, article.date_source) == ("2015-12-27", "html")
    page = _page("", "<p class='date'>Published 28 December 2015</p>" + paragraphs)
    article = clean_document(RawDocument(origin="p.html", content=page, kind="html"))
    assert article.published == "2015-12-28" and article.date_source in ("dateline", "page-text", "html")


def test_language_is_recorded_and_other_languages_kept():
    french = ("Les avions turcs ont frappé mardi des positions du PKK dans le nord de l'Irak, a indiqué l'armée "
              "dans un communiqué publié après une réunion du conseil de sécurité nationale à Ankara.")
    article = clean_document(RawDocument(origin="f.txt", content=french))
    assert article.language == "fr"


def test_titles_of_the_people_named_check_the_publication_date(extract):
    text = ("Iranian parliament speaker Ali Larijani met Turkish Speaker Ismail Kahraman in Tehran on Monday "
            "to discuss the war in Syria, the two parliaments said in a joint statement after the talks.")
    assert extract(text, published="2017-03-01").date_confidence == 0.9  # both were speakers then
    assert extract(text, published="2024-07-18").date_confidence < 0.5  # neither was
    former = text.replace("Iranian parliament speaker Ali", "former speaker Ali").replace("Turkish Speaker Ismail", "former speaker Ismail")
    assert extract(former, published="2024-07-18").date_confidence == 0.9  # "former": no claim about the date


def test_seed_with_a_scrape_date_is_flagged(seed_articles):
    confidence = {a.path.rsplit("/", 1)[-1][:3]: a.date_confidence for a in seed_articles if a.published}
    assert confidence["003"] < 0.5  # "Thursday, July 18, 2024" heads a page about 2016 events
    assert confidence["000"] >= 0.8


def test_office_window_open_at_either_end():
    from datetime import date

    from newsevents.actors.date_evidence import outside_window

    assert not outside_window(date(2020, 1, 1), (date(2017, 1, 20), date.max))
    assert not outside_window(date(2020, 1, 1), (date.min, date(2019, 6, 1)))
    assert outside_window(date(2022, 1, 1), (date.min, date(2019, 6, 1)))
    assert outside_window(date(2010, 1, 1), (date(2017, 1, 20), date.max))
