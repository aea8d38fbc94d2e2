"""Cleaning: page junk goes to `removed`, every article paragraph stays, metadata is recovered."""

from __future__ import annotations

from newsevents.ingest.clean import clean_document
from newsevents.ingest.layout import is_junk_line
from newsevents.ingest.metadata import dateline_date, parse_byline
from newsevents.model import Article, IngestError, RawDocument

PAGE = """Tuesday, March 8, 2016
HomeMiddle EastIraq
Militia retakes bridge south of Mosul

By Ana Ruiz and Tom Black, The Northern Ledger –

Share this article
Photo: Archive

Iraqi militia fighters retook a strategic bridge south of Mosul on Monday after two days of heavy clashes, officials said.

“We will not stop here,” a commander told reporters.

Short.

The bridge had been held by the Islamic State since 2014 and its loss cuts a main supply route to the city.

Related posts
Leave a Reply
Your email address will not be published.
[…] les combattants ont repris le pont […]
Enjoying our journalism? Please support us with a monthly donation and help keep independent reporting free for you.
"""


def _clean(text: str, **kw) -> Article:
    result = clean_document(RawDocument(origin="page.txt", content=text, **kw))
    assert isinstance(result, Article), result
    return result


def test_junk_removed_and_paragraphs_kept():
    article = _clean(PAGE)
    for junk in ("Share this article", "Photo: Archive", "Related posts", "Leave a Reply",
                 "Your email address will not be published.", "HomeMiddle EastIraq"):
        assert junk in article.removed
        assert junk not in article.text
    assert any(line.startswith("[…] les combattants") for line in article.removed)
    assert any("monthly donation" in line for line in article.removed)
    for kept in ("Iraqi militia fighters retook", "“We will not stop here,”", "Short.", "The bridge had been held"):
        assert kept in article.text


def test_metadata_from_head_lines():
    article = _clean(PAGE)
    assert article.published == "2016-03-08" and article.date_source == "dateline"
    assert article.title == "Militia retakes bridge south of Mosul"
    assert article.authors == ["Ana Ruiz", "Tom Black"]
    assert article.outlet == "The Northern Ledger"
    assert article.text.startswith("Iraqi militia fighters")


def test_input_metadata_wins_and_id_is_stable():
    a = _clean("Troops crossed the border at dawn, the ministry said in a statement on Sunday.", published="2017-05-01")
    b = _clean("Troops crossed the border at dawn, the ministry said in a statement on Sunday.")
    assert a.published == "2017-05-01" and a.date_source == "input"
    assert a.id == b.id and len(a.id) == 16


def test_nothing_left_is_an_error():
    result = clean_document(RawDocument(origin="junk.txt", content="Share this\nRead more\nPost a Comment\n"))
    assert isinstance(result, IngestError) and "no article text" in result.reason


def test_mojibake_is_repaired():
    article = _clean("The minister said the talks in GenÃ¨ve were â€œconstructiveâ€\x9d and would resume next week.")
    assert "Genève" in article.text and "“constructive”" in article.text


def test_html_page_through_trafilatura():
    html = """<html><head><title>Talks resume | Example Post</title>
    <meta property="og:site_name" content="Example Post"><meta name="author" content="Jane Doe">
    <meta property="article:published_time" content="2016-02-03T10:00:00Z"></head>
    <body><nav>Home | World | Sport</nav><article><h1>Talks resume</h1>
    <p>Syrian government and opposition delegations met in Geneva on Tuesday for a new round of talks mediated by the United Nations.</p>
    <p>The envoy said both sides had agreed to discuss humanitarian access to besieged towns before any political questions.</p>
    </article><footer>Copyright Example Post. All rights reserved.</footer></body></html>"""
    result = clean_document(RawDocument(origin="p.html", content=html, kind="html"))
    assert isinstance(result, Article)
    assert "delegations met in Geneva" in result.text and "Home | World" not in result.text
    assert result.published == "2016-02-03" and result.outlet == "Example Post"


def test_broken_html_is_an_error():
    result = clean_document(RawDocument(origin="broken.html", content="<html><body><div><<<>>></body", kind="html"))
    assert isinstance(result, IngestError)


def test_line_rules_do_not_touch_news_sentences():
    for sentence in (
        "Read more about the offensive in our earlier report, the editor wrote in a note that ran to three long paragraphs.",
        "The government said it would share intelligence with its allies.",
        "Follow-up talks are planned in Vienna next month, diplomats said.",
        "Homeland Shield militias recruited locals to defend their own areas.",
        "Homes were destroyed.",
    ):
        assert not is_junk_line(sentence)
    for junk in ("Share this article", "Follow us on Twitter", "Post a Comment", "Most Popular", "Continue reading",
                 "HomeEuropeRussia to meet the threat", "HomeMiddle EastIraq"):
        assert is_junk_line(junk)


def test_byline_and_dateline_shapes():
    assert dateline_date("Wednesday, November 18, 2015") is not None
    assert dateline_date("18 November 2015") is not None
    assert dateline_date("On November 18, 2015, Russian bombers struck Raqqa.") is None
    assert parse_byline("By Aymenn Al-Tamimi, The Daily Beast–")[0]
    assert parse_byline("By Aymenn Al-Tamimi, The Daily Beast–") == (["Aymenn Al-Tamimi"], "The Daily Beast")
    assert not parse_byline("By the end of the week the rebels had withdrawn from the town.")[0]


def test_language_detection():
    from newsevents.ingest.language import detect_language

    assert detect_language("Iraq's national security advisor met with Syrian President Bashar Assad Tuesday to discuss "
                           "efforts to counter Islamic State militants, Reuters reported.") == "en"
    assert detect_language("Donald Trump visited Moscow. Trump met officials.") == "en"
    assert detect_language("Putin met Erdogan in Sochi.") == "en"  # names only: too short for n-grams
    assert detect_language("Les forces turques ont frappé mardi des positions du PKK près de Qandil, dans le nord de l’Irak, "
                           "a déclaré l’armée dans un communiqué publié après une réunion du conseil de sécurité.") == "fr"
    assert detect_language("Die türkische Armee hat am Dienstag Stellungen der PKK im Nordirak angegriffen, teilte das Militär mit.") == "de"
    assert detect_language("Москва заявила о новых ударах по позициям боевиков в Сирии и Ираке на этой неделе") == "ru"
    assert detect_language("وقالت وزارة الدفاع إن الطائرات قصفت مواقع المسلحين قرب المدينة يوم الثلاثاء") == "ar"
    assert detect_language("12 345 --- !!") == "und"


def test_stop_word_lists_loaded_from_their_files_equal_spacys():
    """The lists are read from their files alone (the language packages take seconds to import)."""
    import importlib

    from newsevents.ingest.language import _VOTING_LANGUAGES, _stop_words

    lists = _stop_words()
    assert set(lists) == set(_VOTING_LANGUAGES)
    for lang, words in lists.items():
        assert words == frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS), lang
