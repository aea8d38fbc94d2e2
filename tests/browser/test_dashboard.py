"""The dashboard in a real browser: `newsevents serve` over the ingested sample corpus, driven through
Selenium in Debian's headless Chromium, with every address but the loopback one unreachable.

The browser steps run as one test so that, under pytest-xdist, one worker builds the database, starts the
server and opens the browser once. Screenshots go to tests/browser/artifacts/ (not committed).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "articles"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
# The emoji before the event makes Python's offsets (code points) and JavaScript's (UTF-16 units) differ.
XSS_ARTICLE = f"""Troops and rebels clash near Gondar

GONDAR, May 6, 2019 -- Heavy fighting \N{FIRE} was reported in the north.

Ethiopian troops attacked rebel camps near Gondar on Sunday, the regional government said.

A statement posted on a rebel website, {XSS}, called the attack a massacre.
"""
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-untrusted", "devtools"}
# Direct HTTP calls to our own server must not go through a proxy from the environment.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if not missing:
        return
    message = (f"{', '.join(missing)} missing: `make test` installs Debian's chromium and chromium-driver; "
               "set NEWSEVENTS_SKIP_BROWSER=1 to skip the browser test on purpose")
    if os.environ.get("NEWSEVENTS_SKIP_BROWSER") == "1":
        pytest.skip(message)
    pytest.fail(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, path: str, **params) -> dict:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "")})
        with _HTTP.open(f"{self.base}{path}{'?' + query if query else ''}", timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    _require_browser()
    tmp = tmp_path_factory.mktemp("dashboard")
    extra = tmp / "extra"
    extra.mkdir()
    (extra / "xss_article.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    db = tmp / "demo.duckdb"
    run = subprocess.run([sys.executable, "-m", "newsevents", "ingest", str(SAMPLES), str(extra), "--db", str(db)],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, f"ingest failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    return db


@pytest.fixture(scope="module")
def server(database, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "newsevents", "serve", "--db", str(database),
                                 "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"newsevents serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with _HTTP.open(f"{base}/stats", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"newsevents serve did not answer within 120 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield Api(base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(server):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:  # selenium is in the `test` extra and requirements.lock
        pytest.fail("selenium is not installed: run `make setup`")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager, were it ever called, must not fetch anything
    profile = tempfile.mkdtemp(prefix="newsevents-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
        "--metrics-recording-only", "--window-size=1280,800", "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        # No name resolves but the loopback address, and anything that is not loopback goes to a dead proxy.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.set_capability("unhandledPromptBehavior", "ignore")  # an alert stays open, for us to find
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # The window's size counts its frame: make the page itself 1280 x 800.
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(1280 + 1280 - inner[0], 800 + 800 - inner[1])
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# Helpers ---------------------------------------------------------------------------------------------------


def _wait(driver, predicate, what: str, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: predicate(d), message=what)


def _state(driver) -> str:
    return driver.execute_script("return document.body.dataset.state")


def _act(driver, action) -> None:
    """Runs a UI action and waits until every panel shows its result."""
    driver.execute_script("document.body.dataset.state = 'stale'")
    action()
    _wait(driver, lambda d: _state(d) == "ready", "the dashboard to reload its panels")


def _open(driver, server: Api) -> None:
    driver.get(f"{server.base}/")
    _wait(driver, lambda d: _state(d) == "ready", "the dashboard to load")


def _count(driver, selector: str) -> int:
    return driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector)


def _data_count(driver, element_id: str) -> int:
    return int(driver.execute_script("return document.getElementById(arguments[0]).dataset.count", element_id))


def _shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def _no_alert(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        text = driver.switch_to.alert.text
    except NoAlertPresentException:
        return
    pytest.fail(f"an alert fired: {text!r}")


def _panels_agree(driver, server: Api, **filters) -> int:
    """The table's count, the markers and the timeline match what the API says for these filters."""
    events = server.get("/events", limit=1, **filters)
    places = server.get("/places.geojson", limit=5000, **filters)
    assert _data_count(driver, "events-table") == events["count"]
    assert _count(driver, "#events-table tbody tr[data-id]") == min(50, events["count"])
    assert _count(driver, "#map circle.event") == len(places["features"])
    return events["count"]


def _check_highlights(driver, server: Api, event_id: str, article_id: str | None = None) -> dict:
    shown_event = "const p = document.getElementById('detail'); return !p.hidden && p.dataset.state === 'ready' && p.dataset.eventId"
    _wait(driver, lambda d: d.execute_script(shown_event) == event_id, "the detail panel to show the event")
    detail = server.get(f"/events/{event_id}")
    mentions = detail["mentions_detail"]
    mention = next(m for m in mentions if m["article_id"] == article_id) if article_id else mentions[0]
    article = server.get(f"/articles/{mention['article_id']}")
    text = article["text"]
    trigger = mention["trigger"]
    assert text[trigger["start"]:trigger["end"]] == trigger["text"]
    shown = driver.execute_script("return [...document.querySelectorAll('#article mark.trigger')].map(m => m.textContent)")
    assert shown == [trigger["text"]], f"trigger marks {shown!r}, expected {trigger['text']!r}"
    # Each span of the mention is marked over its whole length, by its own kind or, where spans overlap,
    # by a stronger one (trigger > date > place > actor); a span that nothing stronger overlaps is one mark.
    rank = {"actor": 1, "place": 2, "date": 3, "trigger": 4}
    spans = [("trigger", trigger["start"], trigger["end"])]
    spans += [(kind, obj["start"], obj["end"]) for kind, obj in
              (("actor", mention.get("source")), ("actor", mention.get("target")), ("place", mention.get("location")))
              if obj and obj.get("start") is not None]
    if mention.get("date_start") is not None:
        spans.append(("date", mention["date_start"], mention["date_end"]))
    marks = driver.execute_script("""
        let at = 0; const out = [];
        for (const node of document.getElementById('article-text').childNodes) {
          const n = node.textContent.length;
          if (node.nodeName === 'MARK' && node.classList.contains('focus')) out.push([at, at + n, node.classList[0]]);
          at += n;
        }
        return out;""")
    utf16 = lambda i: len(text[:i].encode("utf-16-le")) // 2  # noqa: E731  JavaScript counts UTF-16 units
    for kind, start, end in spans:
        a, b = utf16(start), utf16(end)
        for p in range(a, b):
            over = [m for m in marks if m[0] <= p < m[1]]
            assert over and rank[over[0][2]] >= rank[kind], f"{kind} {text[start:end]!r} unmarked at {p}: {marks}"
        stronger = [s for s in spans if rank[s[0]] > rank[kind] and s[1] < end and start < s[2]]
        if not stronger:
            assert [a, b, kind] in marks, f"{kind} {text[start:end]!r} is not one mark: {marks}"
    assert driver.execute_script("return document.getElementById('article-text').textContent") == text
    return article


# Tests -------------------------------------------------------------------------------------------------------


def test_world_outlines_are_small_and_keyed_by_iso3():
    from newsevents.ui import STATIC_DIR, world_geojson

    data = world_geojson()
    assert len(data) < 1_000_000
    world = json.loads(data)
    assert world["type"] == "FeatureCollection"
    codes = {f["properties"]["iso3"] for f in world["features"]}
    assert {"SYR", "IRQ", "USA", "RUS", "FRA", "TWN", "BHR", "SGP"} <= codes
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") and f["properties"]["name"] for f in world["features"])
    for name in ("index.html", "app.js", "style.css"):
        assert (STATIC_DIR / name).is_file()


def test_dashboard_in_chromium(server, browser):
    driver = browser
    total = server.get("/events", limit=1)["count"]
    assert total > 50, "the sample corpus should give more than one page of events"

    # 1. Every panel shows the data the API gives.
    _open(driver, server)
    assert _count(driver, "#map path.country") > 200
    assert _panels_agree(driver, server) == total
    assert _count(driver, "#map circle.event") > 10
    by = driver.execute_script("return document.getElementById('timeline').dataset.by")
    buckets = server.get("/timeline", by=by)["buckets"]
    assert buckets and _count(driver, "#timeline rect.bar") == len(buckets)
    dyads = server.get("/dyads", limit=40)["dyads"]
    actors = {d["source"]["code"] for d in dyads} | {d["target"]["code"] for d in dyads}
    assert _count(driver, "#network circle.node") == len(actors) > 2
    _shot(driver, "overview.png")

    # 2. Paging follows next_cursor, and back.
    page2 = server.get("/events", limit=50, cursor=server.get("/events", limit=50)["next_cursor"])["events"]
    _act(driver, lambda: driver.find_element("id", "page-next").click())
    ids = driver.execute_script("return [...document.querySelectorAll('#events-table tbody tr')].map(r => r.dataset.id)")
    assert ids == [e["id"] for e in page2]
    _act(driver, lambda: driver.find_element("id", "page-prev").click())
    assert _count(driver, "#events-table tbody tr") == 50

    # 3. A country filter narrows every panel, to the API's numbers.
    country = driver.find_element("id", "f-country")
    _act(driver, lambda: (country.send_keys("irq"), driver.execute_script("arguments[0].blur()", country)))
    n = _panels_agree(driver, server, country="IRQ")
    assert 0 < n < total
    assert "country=IRQ" in driver.current_url
    assert _count(driver, "#map path.country.selected[data-iso3='IRQ']") == 1
    _shot(driver, "filter-country.png")
    _act(driver, lambda: driver.find_element("id", "f-reset").click())
    assert _data_count(driver, "events-table") == total

    # 4. "Asserted only".
    _act(driver, lambda: driver.find_element("id", "f-asserted").click())
    assert 0 < _panels_agree(driver, server, asserted_only="true") < total
    _act(driver, lambda: driver.find_element("id", "f-reset").click())

    # 5. Brushing the timeline sets the date range and filters the other panels.
    from selenium.webdriver.common.action_chains import ActionChains

    overlay = driver.find_element("css selector", "#timeline rect.brush-overlay")
    width = overlay.size["width"]
    _act(driver, lambda: ActionChains(driver).move_to_element_with_offset(overlay, int(width * 0.1), 0)
         .click_and_hold().move_by_offset(int(width * 0.35), 0).release().perform())
    since = driver.find_element("id", "f-since").get_attribute("value")
    until = driver.find_element("id", "f-until").get_attribute("value")
    assert since and until and since <= until
    n = _panels_agree(driver, server, since=since, until=until)
    assert 0 < n < total
    assert _count(driver, "#timeline .bucket.out") > 0
    _shot(driver, "brush.png")
    _act(driver, lambda: driver.find_element("id", "f-reset").click())

    # 6. A table row opens the event and its article with the spans marked.
    row = driver.find_element("css selector", "#events-table tbody tr[data-id]")
    event_id = row.get_attribute("data-id")
    row.click()
    _check_highlights(driver, server, event_id)
    _shot(driver, "detail-from-table.png")
    driver.find_element("id", "detail-close").click()

    # 7. So does a marker on the map.
    marker = driver.find_elements("css selector", "#map circle.event")[-1]  # drawn last: nothing covers it
    marker_id = marker.get_attribute("data-id")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", marker)  # clear of the sticky filters
    marker.click()
    _check_highlights(driver, server, marker_id)
    _shot(driver, "detail-from-map.png")
    driver.find_element("id", "detail-close").click()

    # 8. Markup in an article is shown as text and never runs.
    found = server.get("/events", q="attacked rebel camps near Gondar", limit=10)["events"]
    assert found, "the extra article's event was not coded"
    xss_event = found[0]["id"]
    mention = next(m for m in server.get(f"/events/{xss_event}")["mentions_detail"]
                   if XSS in server.get(f"/articles/{m['article_id']}")["text"])
    text_box = driver.find_element("id", "f-q")
    _act(driver, lambda: (text_box.send_keys("Gondar"), driver.execute_script("arguments[0].blur()", text_box)))
    driver.find_element("css selector", f"#events-table tbody tr[data-id='{xss_event}']").click()
    _wait(driver, lambda d: d.find_element("id", "detail").get_attribute("data-state") == "ready", "the detail panel")
    button = driver.find_elements("css selector", f"#mentions .mention[data-article='{mention['article_id']}']")
    if button:  # the event was fused with another article's mention: show this article's
        button[0].click()
        _wait(driver, lambda d: d.find_element("id", "article-text").get_attribute("data-article-id") == mention["article_id"],
              "the mention's article")
    _check_highlights(driver, server, xss_event, mention["article_id"])
    assert XSS in driver.execute_script("return document.getElementById('article-text').textContent")
    assert _count(driver, "#detail script, #detail img") == 0
    time.sleep(0.5)  # an onerror handler would have fired by now
    _no_alert(driver)
    _shot(driver, "xss-as-text.png")

    # 9. Nothing but our own server was asked for anything, and the page logged no error.
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    assert any(u.startswith(server.base) for u in urls)
    # Network schemes must reach the loopback address; the rest are the browser's own (its new-tab page).
    outside = [u for u in urls if (urllib.parse.urlsplit(u).scheme in NETWORK_SCHEMES
                                   and urllib.parse.urlsplit(u).hostname not in LOOPBACK)
               or urllib.parse.urlsplit(u).scheme not in NETWORK_SCHEMES | LOCAL_SCHEMES]
    assert not outside, f"requests beyond the loopback address: {outside}"
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(urllib.parse.urlsplit(u).hostname in LOOPBACK for u in resources if not u.startswith("data:"))
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
