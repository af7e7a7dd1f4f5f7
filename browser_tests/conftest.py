# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Selenium harness of the seller walk-through (Python 3.11 only, Debian chromium).

Started by tools/run_browser_test.sh, which provides a database with the addon in
Simplified Chinese, a `seller` user, a TOP sandbox and an Odoo server, through the
environment: ODOO_URL, ODOO_DB, SANDBOX_URL, SANDBOX_APP_KEY, SANDBOX_APP_SECRET,
SANDBOX_SESSION, SCREENSHOT_DIR (and DOCS_SCREENSHOT_DIR for the copies kept in git), and
for the JD shop a JD sandbox: JD_SANDBOX_URL, JD_SANDBOX_APP_KEY, JD_SANDBOX_APP_SECRET,
JD_SANDBOX_TOKEN; for the shop health step an empty TOP sandbox: HEALTH_SANDBOX_URL.
"""
import json
import logging
import os
import pathlib
import shutil
import time
import urllib.request
import xml.etree.ElementTree as ET

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException, StaleElementReferenceException, TimeoutException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser_tests.helpers import ROOT

WAIT = 30  # seconds, per element; the first page also compiles the assets
BUSY_WAIT = 180  # seconds, for the RPC a click starts (imports, pushes)
ENV_VARS = ("ODOO_URL", "ODOO_DB", "SANDBOX_URL", "SANDBOX_APP_KEY", "SANDBOX_APP_SECRET",
            "SANDBOX_SESSION")
JD_ENV_VARS = ("JD_SANDBOX_URL", "JD_SANDBOX_APP_KEY", "JD_SANDBOX_APP_SECRET",
               "JD_SANDBOX_TOKEN")


@pytest.fixture(scope="session")
def config():
    missing = [name for name in ENV_VARS if not os.environ.get(name)]
    if missing:
        pytest.skip("browser test needs %s: run tools/run_browser_test.sh" % ", ".join(missing))
    cfg = {name: os.environ[name] for name in ENV_VARS}
    cfg["SCREENSHOT_DIR"] = os.environ.get("SCREENSHOT_DIR", str(ROOT / ".run/test/screenshots"))
    cfg["DOCS_SCREENSHOT_DIR"] = os.environ.get("DOCS_SCREENSHOT_DIR",
                                                str(ROOT / "docs/screenshots"))
    return cfg


class Sandbox:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def state(self):
        return self.get("/_sandbox/state")

    def calls(self):
        """Number of API calls the sandbox answered so far."""
        return self.get("/_sandbox/stats")["calls"]

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def post(self, path, body):
        """A call of the sandbox's control API (/_sandbox/...), as a test sets data."""
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.loads(resp.read().decode("utf-8"))


@pytest.fixture(scope="session")
def sandbox(config):
    return Sandbox(config["SANDBOX_URL"])


@pytest.fixture(scope="session")
def jd_config():
    """The JD sandbox of the JD shop; missing is a skip (a failure under CI=true)."""
    missing = [name for name in JD_ENV_VARS if not os.environ.get(name)]
    if missing:
        pytest.skip("the JD shop step needs %s: run tools/run_browser_test.sh"
                    % ", ".join(missing))
    return {name: os.environ[name] for name in JD_ENV_VARS}


@pytest.fixture(scope="session")
def jd_sandbox(jd_config):
    return Sandbox(jd_config["JD_SANDBOX_URL"])


@pytest.fixture(scope="session")
def health_sandbox():
    """An empty TOP sandbox of its own for the shop of the health step, whose sync must
    see none of the demo trades the other steps change."""
    if not os.environ.get("HEALTH_SANDBOX_URL"):
        pytest.skip("the shop health step needs HEALTH_SANDBOX_URL: run "
                    "tools/run_browser_test.sh")
    return Sandbox(os.environ["HEALTH_SANDBOX_URL"])


class Rpc:
    """JSON-RPC of the web client, logged in as the seller: what a clerk does outside
    the walk-through (counting stock) and what the UI needs to know (view archs)."""

    def __init__(self, config, login="seller", password="seller"):
        self.url = config["ODOO_URL"].rstrip("/")
        self.session = requests.Session()
        self.call("/web/session/authenticate", {"db": config["ODOO_DB"], "login": login,
                                                "password": password})

    def call(self, path, params):
        resp = self.session.post(self.url + path, json={"jsonrpc": "2.0", "method": "call",
                                                        "params": params}, timeout=120)
        body = resp.json()
        assert "error" not in body, body.get("error")
        return body["result"]

    def kw(self, model, method, args, kwargs=None):
        return self.call("/web/dataset/call_kw", {"model": model, "method": method,
                                                  "args": args, "kwargs": kwargs or {}})

    def search_read(self, model, domain, fields, **kwargs):
        return self.kw(model, "search_read", [domain], dict(kwargs, fields=fields))


@pytest.fixture(scope="session")
def rpc(config):
    return Rpc(config)


@pytest.fixture(scope="session")
def driver(config):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = pathlib.Path(config["SCREENSHOT_DIR"]).parent / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1280,800", "--lang=zh-CN", "--hide-scrollbars",
                 "--user-data-dir=%s" % profile):
        options.add_argument(flag)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # --window-size is the outer size: make the page itself 1280x800.
    inner = drv.execute_script("return [window.outerWidth - window.innerWidth,"
                               " window.outerHeight - window.innerHeight]")
    drv.set_window_size(1280 + inner[0], 800 + inner[1])
    drv.set_page_load_timeout(90)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


class OdooUI:
    """The few gestures of the Odoo 11 web client the walk-through needs."""

    def __init__(self, driver, config):
        self.d = driver
        self.cfg = config
        self.url = config["ODOO_URL"].rstrip("/")
        self.shots = pathlib.Path(config["SCREENSHOT_DIR"])
        self.shots.mkdir(parents=True, exist_ok=True)
        self.docs = pathlib.Path(config["DOCS_SCREENSHOT_DIR"])
        self.n = 0

    # -- waiting ------------------------------------------------------------
    def wait(self, condition, timeout=WAIT, message=""):
        """Wait for condition; an Odoo error dialog fails at once with its text."""
        def check(driver):
            self.check_no_error_dialog()
            return condition(driver)
        return WebDriverWait(self.d, timeout, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,)).until(
            check, message)

    def idle(self, timeout=WAIT):
        """No RPC in flight: `.o_loading` hidden and the UI not blocked."""
        script = """
            if (document.readyState !== 'complete') return false;
            var busy = document.querySelectorAll(
                '.o_loading, .blockUI, .oe_blockui_spin_container');
            for (var i = 0; i < busy.length; i++) {
                var el = busy[i];
                // .o_loading is position: fixed, so offsetParent tells nothing about it
                if (getComputedStyle(el).display !== 'none' && el.getClientRects().length) {
                    return false;
                }
            }
            return true;"""
        self.wait(lambda d: d.execute_script(script), timeout, "the web client stays busy")

    def visible(self, css, timeout=WAIT, within=None):
        by = (By.CSS_SELECTOR, css)
        return self.wait(EC.visibility_of_element_located(by), timeout,
                         "nothing visible matches %s" % css)

    def visible_all(self, css):
        return [el for el in self.d.find_elements(By.CSS_SELECTOR, css) if el.is_displayed()]

    def check_no_error_dialog(self):
        for dialog in self.visible_all(".modal .o_dialog_warning, .modal .o_error_detail, "
                                       ".modal .o_dialog_error, .modal .o_dialog_error_detail"):
            modal = dialog.find_element(By.XPATH, "./ancestor::div[contains(@class,'modal')][1]")
            raise AssertionError("Odoo shows an error dialog: %s" % modal.text[:1500])

    # -- gestures -----------------------------------------------------------
    def click(self, css_or_element, timeout=WAIT):
        el = css_or_element
        if isinstance(el, str):
            el = self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, css_or_element)),
                           timeout, "nothing clickable matches %s" % css_or_element)
        deadline = time.time() + timeout
        while True:
            try:
                el.click()
                break
            except ElementClickInterceptedException:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        # A button may run a platform import: on a busy machine that outlasts WAIT.
        self.idle(timeout=BUSY_WAIT)
        return el

    def click_until(self, css, expected_css, timeout=WAIT, attempts=3):
        """Click css until expected_css shows: a click that lands while the web client is
        still rendering the previous action can be lost."""
        for attempt in range(attempts):
            self.click(css, timeout)
            try:
                return self.visible(expected_css, timeout=timeout if attempt == attempts - 1
                                    else 5)
            except TimeoutException:
                if attempt == attempts - 1:
                    raise

    def login(self, login, password):
        self.d.get("%s/web/login?db=%s" % (self.url, self.cfg["ODOO_DB"]))
        self.visible("input[name=login]").send_keys(login)
        pwd = self.visible("input[name=password]")
        pwd.send_keys(password)
        pwd.send_keys(Keys.ENTER)
        # Odoo 11 community: top bar #oe_main_menu_navbar, menus in the left side bar.
        self.visible("#oe_main_menu_navbar", timeout=120)  # the first visit builds assets
        self.idle(timeout=120)

    def open_app(self, xmlid):
        """Click an app of the top bar (a.oe_menu_toggler); its side bar appears."""
        self.click('#oe_main_menu_navbar a.oe_menu_toggler[data-menu-xmlid="%s"]' % xmlid)
        self.visible(".oe_secondary_menu:not([style*='none'])")

    def menu_section(self, xmlid):
        """The visible side-bar heading of menu xmlid, or None."""
        return next((el for el in self.d.find_elements(
            By.CSS_SELECTOR, '.oe_secondary_menu_section[data-menu-xmlid="%s"]' % xmlid)
            if el.is_displayed()), None)

    def menu_leaf(self, xmlid):
        """The visible side-bar entry (a.oe_menu_leaf) of menu xmlid, or None."""
        return next((el for el in self.d.find_elements(
            By.CSS_SELECTOR, 'a.oe_menu_leaf[data-menu-xmlid="%s"]' % xmlid)
            if el.is_displayed()), None)

    def open_menu(self, section_xmlid, leaf_xmlid, expect=".o_control_panel .breadcrumb"):
        """Open side-bar entry leaf_xmlid under heading section_xmlid.

        :returns: (heading text, entry text) as the seller reads them
        """
        section = self.wait(lambda d: self.menu_section(section_xmlid),
                            message="no side-bar heading %s" % section_xmlid)
        leaf = self.wait(lambda d: self.menu_leaf(leaf_xmlid),
                         message="no side-bar entry %s" % leaf_xmlid)
        section_text, leaf_text = section.text.strip(), leaf.text.strip()
        # The breadcrumb now belongs to the screen being left: wait until the web
        # client has replaced it, or a busy machine reads the previous screen.
        previous = ([] if ".modal" in expect
                    else self.visible_all(".o_control_panel .breadcrumb li")[:1])
        self.click(leaf)
        if previous:
            self.wait(EC.staleness_of(previous[0]), message="menu %s opens nothing" % leaf_xmlid)
        self.visible(expect)
        self.idle()
        return section_text, leaf_text

    def search(self, text):
        """Type text in the search view and press Enter (the control panel may be
        re-rendered while the action loads: retry on a stale input)."""
        for attempt in range(5):
            try:
                box = self.visible(".o_searchview_input")
                box.send_keys(text)
                box.send_keys(Keys.ENTER)
                break
            except StaleElementReferenceException:
                if attempt == 4:
                    raise
                time.sleep(0.3)
        self.idle()

    def field(self, name, scope=".o_form_view"):
        """The input/select/textarea of field `name` of the visible form."""
        widget = self.visible('%s .o_field_widget[name="%s"]' % (scope, name))
        if widget.tag_name in ("input", "select", "textarea"):
            return widget
        return widget.find_element(By.CSS_SELECTOR, "input, select, textarea")

    def set(self, name, value, scope=".o_form_view"):
        el = self.field(name, scope)
        if el.tag_name == "select":
            select = Select(el)
            for option in select.options:
                if option.get_attribute("value") in (json.dumps(value), value):
                    option.click()
                    break
            else:
                raise AssertionError("no option %r in field %s" % (value, name))
        else:
            el.clear()
            el.send_keys(value)
        self.idle()

    def set_many2one(self, name, text, scope=".o_form_view"):
        el = self.field(name, scope)
        el.clear()
        el.send_keys(text)
        # Each many2one keeps its own (hidden) list: take the one now shown.
        item = self.wait(lambda d: next(iter(self.visible_all(
            ".ui-autocomplete li a, .ui-autocomplete li")), False),
            message="no suggestion for %r in field %s" % (text, name))
        self.click(item)

    def text_of(self, name, scope=".o_form_view"):
        """What field `name` shows: its text, or the value of its input in edit mode."""
        widget = self.visible('%s .o_field_widget[name="%s"]' % (scope, name))
        inputs = ([widget] if widget.tag_name in ("input", "textarea")
                  else widget.find_elements(By.CSS_SELECTOR, "input"))
        if inputs:
            return (inputs[0].get_attribute("value") or "").strip()
        return widget.text.strip()

    def button(self, name, scope=""):
        """The visible, enabled button `name` (a method or action of the view)."""
        css = '%s button[name="%s"]' % (scope, name)
        return self.wait(lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, css)
                                         if b.is_displayed() and b.is_enabled()), False),
                         message="no visible button %s" % name)

    def header_button_named(self, rpc, model, name, view_xmlid=None):
        """The visible button `name` of the form's status bar. Odoo 11 renders header
        buttons without their name: they are found by their place in the form's
        arch as the seller's fields_view_get gives it (groups already applied)."""
        kwargs = {"view_type": "form"}
        if view_xmlid:
            kwargs["view_id"] = rpc.kw("ir.model.data", "xmlid_to_res_id", [view_xmlid])
        arch = ET.fromstring(rpc.kw(model, "fields_view_get", [], kwargs)["arch"])
        header = arch.find("header")
        names = [b.get("name") for b in (header.findall("button") if header is not None
                                         else [])]
        assert name in names, "no button %s in the header of the %s form" % (name, model)
        css = ".o_form_statusbar .o_statusbar_buttons > button"

        def find(driver):
            buttons = driver.find_elements(By.CSS_SELECTOR, css)
            assert len(buttons) == len(names), \
                "%d header buttons shown, the %s form has %s" % (len(buttons), model, names)
            return next((b for b, n in zip(buttons, names)
                         if n == name and b.is_displayed() and b.is_enabled()), False)
        return self.wait(find, message="no visible header button %s" % name)

    def header_button(self, text):
        """A visible button of the form's status bar by its label (Odoo 11 renders header
        buttons without their name attribute)."""
        css = ".o_form_statusbar .o_statusbar_buttons button"
        return self.wait(lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, css)
                                         if b.is_displayed() and b.text.strip() == text), False),
                         message="no header button labelled %r" % text)

    def tab(self, text):
        for link in self.visible_all(".o_notebook .nav-tabs a, .o_notebook a[data-toggle=tab]"):
            if link.text.strip() == text:
                self.click(link)
                return
        raise AssertionError("no notebook tab %r" % text)

    def tab_of(self, field):
        """Open the notebook page that holds field `field` (found by name, not label).
        The pane ids are made anew each time the form renders: a form that re-renders
        between reading the id and clicking (a button's reload, late on a busy machine)
        is read again."""
        for attempt in range(3):
            pane = self.d.execute_script(
                "var el = document.querySelector('.o_form_view .o_field_widget[name=\"' +"
                " arguments[0] + '\"]'); var pane = el && el.closest('.tab-pane');"
                " return pane ? pane.id : null;", field)
            assert pane, "field %s is on no notebook page" % field
            try:
                self.click('.o_notebook a[href="#%s"]' % pane, timeout=WAIT if attempt == 2
                           else 5)
                return
            except (TimeoutException, StaleElementReferenceException):
                if attempt == 2:
                    raise

    def save(self):
        self.click(".o_form_button_save")
        self.visible(".o_form_view.o_form_readonly")

    def list_rows(self, scope=".o_list_view"):
        return [r for r in self.d.find_elements(By.CSS_SELECTOR,
                                                "%s tbody tr.o_data_row" % scope)
                if r.is_displayed()]

    def screenshot(self, name, docs_name=None):
        """Save a PNG of the page as NN-name.png; keep a copy in docs/ when docs_name."""
        self.idle()
        time.sleep(0.3)  # let CSS transitions (dropdowns, alerts) settle
        self.n += 1
        path = self.shots / ("%02d-%s.png" % (self.n, name))
        self.d.save_screenshot(str(path))
        if docs_name:
            self.docs.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, self.docs / docs_name)
        return path

    def dump(self, name):
        (self.shots / ("%s.html" % name)).write_text(self.d.page_source, encoding="utf-8")


@pytest.fixture(scope="session")
def ui(driver, config):
    return OdooUI(driver, config)


@pytest.fixture(scope="session")
def walk():
    """State carried from one step of the walk-through to the next."""
    return {}


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure keep a screenshot and the DOM of the page for the post-mortem."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "ui" in item.funcargs:
        ui = item.funcargs["ui"]
        try:
            ui.d.save_screenshot(str(ui.shots / ("FAILED-%s.png" % item.name)))
            ui.dump("FAILED-%s" % item.name)
        except Exception:  # noqa: BLE001 - best effort: the failure itself is reported
            logging.getLogger(__name__).warning("no post-mortem for %s", item.name,
                                                exc_info=True)
