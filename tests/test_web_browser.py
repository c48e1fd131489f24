"""The query UI and the pages in a real headless Chromium (Debian ``chromium`` + ``chromium-driver``, driven
by Selenium): load ``/``, run the ``medals`` query, see 9 rows; open an athlete page, follow a link to its
event. The browser must fetch nothing from any other host. Skipped locally without Chromium, failed under
``CI=true``.

A real ``kzgraph serve``: a browser loads pages, scripts and query answers from a URL, over a socket, and the
hosts it fetches from are read from its own network log."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.servers import unavailable

CHROMIUM = os.environ.get("KZGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KZGRAPH_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT_S = 30


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        unavailable(f"Chromium not found ({CHROMIUM}, {CHROMEDRIVER}; Debian packages chromium, chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("selenium is not installed (pip install selenium)")
    profile = tempfile.mkdtemp(prefix="kzgraph-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_hosts(driver) -> set[str]:
    """Hosts of every request the page made since the last call (from Chromium's performance log)."""
    hosts = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = urlsplit(message["params"]["request"]["url"])
            if url.scheme not in ("data", "blob", "about", "chrome"):  # chrome://: the browser's own pages
                hosts.add(url.netloc)
    return hosts


def test_query_ui_runs_the_medals_query_and_shows_nine_rows(browser, kzgraph_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(kzgraph_server.base_url + "/")
    wait = WebDriverWait(browser, WAIT_S)
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .yasqe .CodeMirror")))
    assert browser.find_element(By.CSS_SELECTOR, "#yasgui .CodeMirror-code .cm-keyword")  # syntax highlighting
    Select(browser.find_element(By.ID, "examples")).select_by_value("medals")
    wait.until(lambda d: "Medals won at Paris 2024" in d.execute_script(
        "return window.kzgraphYasgui.getTab().getQuery()"))
    browser.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_queryButton").click()
    rows = wait.until(lambda d: (r := d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table tbody tr"))
                      and len(r) == 9 and r)
    assert "David Degtyarev" in rows[0].text
    headers = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table thead th")]
    assert "athlete_name" in " ".join(headers)
    downloads = browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr_downloadIcon")
    assert downloads, "the results can be downloaded"
    assert requested_hosts(browser) == {urlsplit(kzgraph_server.base_url).netloc}
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_athlete_page_links_to_its_event(browser, kzgraph_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(kzgraph_server.base_url + "/")
    browser.find_element(By.LINK_TEXT, "Zarina Raifova").click()
    wait = WebDriverWait(browser, WAIT_S)
    wait.until(ready.url_contains("/athlete/zarina-raifova.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Zarina Raifova"
    browser.find_element(By.CSS_SELECTOR, "figcaption a.event").click()
    wait.until(ready.url_contains("/event/judo-women-over-70kg.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Para judo, over 70 kg"
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chain a")  # the chain diagram, with links
    assert requested_hosts(browser) == {urlsplit(kzgraph_server.base_url).netloc}


def test_search_from_a_page(browser, kzgraph_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(kzgraph_server.base_url + "/ontology.html")
    box = browser.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
    box.send_keys("Fedossova", Keys.ENTER)
    WebDriverWait(browser, WAIT_S).until(ready.url_contains("/search?q=Fedossova"))
    browser.find_element(By.CSS_SELECTOR, "ol.hits li a").click()
    WebDriverWait(browser, WAIT_S).until(ready.url_contains("/athlete/dayana-fedosova.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dayana Fedosova"
