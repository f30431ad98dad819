"""A real browser on the demo site, once: Debian's chromium, headless,
driven by chromedriver through Selenium.  It logs in, writes a note through
the form, and finds it in the list under the flashed message; the page is
kept as build/screenshots/demo-note-created.png."""

import os
import shutil
import signal
import subprocess
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common import utils
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from demo_site import PASSWORD, USER, pair
from harness import BUILD, demo_site_copy, free_port

SHOTS = os.path.join(BUILD, "screenshots")


class LoopbackService(Service):
    """chromedriver spoken to at 127.0.0.1: Selenium says "localhost",
    which a machine without /etc/hosts (a fresh Debian root) cannot
    resolve, and tests use the loopback address only."""

    @property
    def service_url(self):
        return "http://127.0.0.1:%d" % self.port

    def is_connectable(self):
        return utils.is_connectable(self.port, "127.0.0.1")


@pytest.fixture
def browser(tmp_path):
    """Chromium started here, by pid, with its DevTools on 127.0.0.1, and
    chromedriver attached to it: left to itself chromedriver would reach
    the browser it starts at "localhost" too."""
    port = free_port()
    # root in a container: no sandbox; no GPU; a window as tall as the
    # list, so that the shot holds the message and the new note
    proc = subprocess.Popen(
        ["/usr/bin/chromium", "--headless=new", "--no-sandbox",
         "--disable-gpu", "--disable-dev-shm-usage", "--window-size=900,3500",
         "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=%d" % port,
         "--user-data-dir=%s" % (tmp_path / "profile"), "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    drv = None
    try:
        deadline = time.time() + 30
        while not utils.is_connectable(port, "127.0.0.1"):
            assert proc.poll() is None, "chromium exited"
            assert time.time() < deadline, "chromium did not listen"
            time.sleep(0.1)
        opts = webdriver.ChromeOptions()
        opts.debugger_address = "127.0.0.1:%d" % port
        drv = webdriver.Chrome(
            service=LoopbackService("/usr/bin/chromedriver"), options=opts)
        drv.set_page_load_timeout(30)
        drv.implicitly_wait(10)     # elements of a page still loading
        yield drv
    finally:
        if drv is not None:
            drv.quit()
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture
def site():
    root = demo_site_copy()
    p = pair(root)
    yield p
    p.stop()
    shutil.rmtree(root, ignore_errors=True)


def test_write_a_note_in_a_browser(site, browser):
    base = "http://127.0.0.1:%d" % site.embedded
    browser.get(base + "/")
    browser.find_element(By.LINK_TEXT, "Log in").click()
    browser.find_element(By.ID, "user").send_keys(USER)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    WebDriverWait(browser, 20).until(EC.url_to_be(base + "/"))
    assert "You are logged in." in browser.find_element(
        By.CLASS_NAME, "flashes").text

    browser.find_element(By.LINK_TEXT, "New note").click()
    WebDriverWait(browser, 20).until(EC.url_to_be(base + "/notes/new"))
    browser.find_element(By.ID, "title").send_keys("Written in Chromium")
    browser.find_element(By.ID, "body").send_keys(
        "Typed into the form, stored in SQLite, listed by nginx.")
    browser.find_element(By.ID, "tags").send_keys("browser, demo")
    browser.find_element(By.CSS_SELECTOR, "form button").click()

    # POST, redirect, GET: the list, with the message and the new note
    WebDriverWait(browser, 20).until(EC.url_to_be(base + "/"))
    assert browser.find_element(By.CLASS_NAME, "flashes").text \
        == "Note created."
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR,
                                                    "article.note h2")]
    assert titles[-1] == "Written in Chromium"
    assert len(titles) == 21
    os.makedirs(SHOTS, exist_ok=True)
    shot = os.path.join(SHOTS, "demo-note-created.png")
    assert browser.save_screenshot(shot)
    assert os.path.getsize(shot) > 10000

    # the page the browser was sent to shows the same after a reload, but
    # the message was shown once
    browser.refresh()
    browser.implicitly_wait(0)
    assert browser.find_elements(By.CSS_SELECTOR, "article.note h2")
    assert not browser.find_elements(By.CLASS_NAME, "flashes")
