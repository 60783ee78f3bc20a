"""Every page of the book, in English and in Korean (the `ko/` folder), in a real browser (headless
Chromium driven by Playwright), served from 127.0.0.1 with nothing else reachable, on a desktop
(1280×800) and a phone (390×844): the language switch leads to the same page in the other
language, Korean text is drawn with a Hangul font (not empty boxes), no request
leaves the book, no console error, every formula typeset by MathJax, every saved ipywidget rendered
and none with controls (a live explorer is dead without a kernel), every kernel-free explorer's
image follows its slider and buttons, no page scrolls sideways; on the phone the chapter menu (☰)
opens and explorer frames keep a legible size. The pages come from _toc.yml, so new chapters are
covered without edits.

Screenshots (one per page and viewport, and one explorer before and after its slider moves) are
written to test-artifacts/browser/. Chromium is Debian's `chromium` (`make browser` installs it);
without it the tests are skipped with the reason in the summary, or fail when
COURSE_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.book import TocPage, toc_pages

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
PAGES = toc_pages()
# Flags that let Debian's chromium run headless in a container and keep it from phoning home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Each language's folder under the book's root (_ext/language_switch.py, tools/korean_book.py).
LANGUAGES = {"en": "", "ko": "ko/"}
# The size below which a frame's text gets hard to read: a phone shows a wide frame at least this
# wide (or its own width, if smaller), scrolling inside the explorer.
LEGIBLE_FRAME_PX = 540


def _chromium() -> str | None:
    """COURSE_CHROMIUM when set (and only it), else Debian's chromium on the PATH."""
    override = os.environ.get("COURSE_CHROMIUM")
    candidates = [override] if override else [shutil.which("chromium"),
                                              shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str) -> None:
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (COURSE_REQUIRE_BROWSER=1)")
    pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # no access log in the test output
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A page left while a file was still being sent (a link followed) is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def book_url(built_book: Path) -> Iterator[str]:
    """The built book served over HTTP on 127.0.0.1 at an ephemeral port."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        _unavailable("no Chromium found (`make browser` installs Debian's chromium as root: "
                     "apt-get install -y chromium; or set COURSE_CHROMIUM to its path)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the `playwright` package is not installed (it is in the `test` extra: "
                     "pip install -e '.[test]')")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageLog:
    """What a page did: requests that tried to leave the book, console errors, failed loads."""

    def __init__(self, page, origin: str) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []

        def route(r):
            url = r.request.url
            if url.startswith(origin) or url.startswith(("data:", "blob:", "about:")):
                r.continue_()
            else:
                self.external.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"console: {m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(
            f"HTTP {r.status}: {r.url}"))


def _slug(entry: str) -> str:
    return entry.replace("/", "__")


# Everything below runs in the page. The MathJax promise resolves once the page is typeset.
WAIT_FOR_MATHJAX = """async () => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) { return false; }
  await MathJax.startup.promise;
  return true;
}"""

MATH_REPORT = """() => {
  const maths = Array.from(document.querySelectorAll("span.math, div.math"));
  const main = document.querySelector("main") || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll("pre, code, script, style, mjx-container, .highlight, textarea")
      .forEach((e) => e.remove());
  const text = copy.textContent;
  const raw = [/\\$[^$\\s][^$]*\\$/, /\\\\\\(/, /\\\\\\[/, /\\\\begin\\{/]
      .map((re) => (text.match(re) || [null])[0]).filter((m) => m);
  return {
    math: maths.length,
    containers: document.querySelectorAll("mjx-container").length,
    // Widget labels typeset by MathJax (see _ext/static/offline-widgets.js) are not math elements.
    inWidgets: document.querySelectorAll(".widget-subarea mjx-container").length,
    notOne: maths.filter((m) => m.querySelectorAll("mjx-container").length !== 1)
        .map((m) => m.textContent.slice(0, 80)),
    errors: Array.from(document.querySelectorAll("mjx-merror"))
        .map((e) => e.getAttribute("data-mjx-error") || e.textContent),
    raw: raw,
  };
}"""

WIDGETS_SETTLED = """(selector) => Array.from(document.querySelectorAll(selector)).every((s) => {
  const area = s.previousElementSibling;
  return area && area.classList.contains("widget-subarea") && area.children.length > 0;
})"""

WIDGET_REPORT = """(selector) => {
  const tag = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const state = tag ? JSON.parse(tag.textContent).state : {};
  const views = Array.from(document.querySelectorAll(selector)).map((s) => {
    const id = JSON.parse(s.textContent).model_id;
    const area = s.previousElementSibling;
    const ok = !!area && area.classList.contains("widget-subarea");
    const box = ok ? area.getBoundingClientRect() : {width: 0, height: 0};
    return {
      model: id,
      inState: id in state,
      rendered: ok && area.children.length > 0,
      width: box.width, height: box.height,
      errors: ok ? area.querySelectorAll(".jupyter-widgets-error-widget").length : 0,
    };
  });
  // Output widgets saved with outputs must show them (the live explorer's figure).
  const savedOutputs = Object.values(state).filter((m) =>
      m.model_name === "OutputModel" && (m.state.outputs || []).length > 0).length;
  const shownOutputs = Array.from(document.querySelectorAll(".widget-subarea .widget-output"))
      .filter((e) => e.querySelector(".jp-OutputArea-output")).length;
  return {views: views, savedOutputs: savedOutputs, shownOutputs: shownOutputs,
          errorWidgets: document.querySelectorAll(".jupyter-widgets-error-widget").length};
}"""

# A short fingerprint of the explorer's image (its data: URI is long; the PNG ends alike).
EXPLORER_STATE = """(range) => {
  const root = range.closest(".cl-slider");
  if (!root) { return null; }
  const src = root.querySelector("img").getAttribute("src") || "";
  let h = 2166136261;
  for (let i = 0; i < src.length; i++) { h = Math.imul(h ^ src.charCodeAt(i), 16777619); }
  const label = root.querySelector('[data-role="label"]');
  return {image: (h >>> 0).toString(16) + ":" + src.length, value: range.value,
          max: range.max, label: label ? label.textContent : ""};
}"""


# Controls of a widget drawn from saved state do nothing without a kernel: none may be on a page.
DEAD_CONTROLS = """() => Array.from(document.querySelectorAll(
    ".widget-subarea input, .widget-subarea select, .widget-subarea textarea, "
    + ".widget-subarea button")).length"""

# The page's width beyond the viewport, and the elements that stick out furthest.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const extra = document.documentElement.scrollWidth - width;
  const culprits = [];
  if (extra > 0) {
    for (const e of document.querySelectorAll("main *, article *")) {
      const r = e.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0) {
        let inScroller = false;  // inside a box that scrolls on its own: not the page's overflow
        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (["auto", "scroll", "hidden"].includes(s.overflowX) && p.clientWidth <= width) {
            inScroller = true; break;
          }
        }
        if (!inScroller) {
          culprits.push(e.tagName.toLowerCase() + "." + (e.className || "").toString().slice(0, 40)
                        + ": " + (e.textContent || "").trim().slice(0, 60));
        }
      }
    }
  }
  return {extra: extra, culprits: culprits.slice(-3)};
}"""

FRAME_WIDTHS = """(minimum) => Array.from(document.querySelectorAll(".cl-slider > img"))
  .map((img) => ({shown: img.getBoundingClientRect().width, own: img.naturalWidth}))
  .filter((f) => f.shown + 1 < Math.min(f.own, minimum))"""

MENU_OPEN = """() => {
  const dialog = document.querySelector("#pst-primary-sidebar-modal");
  if (!dialog || !dialog.open) { return 0; }
  return Array.from(dialog.querySelectorAll("a.reference")).filter(
      (a) => a.getBoundingClientRect().width > 0).length;
}"""


def _check_layout(page, viewport: str) -> list[str]:
    problems = []
    dead = page.evaluate(DEAD_CONTROLS)
    if dead:
        problems.append(f"{dead} widget controls drawn from saved state (dead without a kernel)")
    sideways = page.evaluate(SIDEWAYS)
    if sideways["extra"] > 0:
        problems.append(f"the page scrolls sideways by {sideways['extra']} px at {viewport} "
                        f"width: {sideways['culprits']}")
    if viewport == "phone":
        small = page.evaluate(FRAME_WIDTHS, LEGIBLE_FRAME_PX)
        if small:
            problems.append(f"{len(small)} explorer frames shrunk below a legible size: "
                            f"{small[:3]}")
    return problems


def _check_phone_menu(page) -> list[str]:
    """The visible ☰ button opens the chapter menu, and Escape closes it."""
    toggles = page.locator(".primary-toggle")
    visible = [toggles.nth(i) for i in range(toggles.count()) if toggles.nth(i).is_visible()]
    if not visible:
        return ["no visible menu button (☰) on the phone"]
    visible[0].click()
    try:
        page.wait_for_function(MENU_OPEN, timeout=5_000)
    except Exception:  # noqa: BLE001 - reported below
        pass
    links = page.evaluate(MENU_OPEN)
    page.keyboard.press("Escape")
    if not links:
        return ["the menu button (☰) does not open the chapter menu on the phone"]
    return []


def _check_math(page) -> list[str]:
    page.evaluate(WAIT_FOR_MATHJAX)
    report = page.evaluate(MATH_REPORT)
    problems = []
    if report["notOne"]:
        bad = report["notOne"]
        problems.append(f"{len(bad)} formulas not typeset (once): {bad[:3]}")
    if report["containers"] - report["inWidgets"] != report["math"]:
        problems.append(f"{report['math']} math elements but "
                        f"{report['containers'] - report['inWidgets']} typeset formulas "
                        "(mjx-container) outside widgets")
    if report["errors"]:
        problems.append(f"TeX errors: {report['errors'][:3]}")
    if report["raw"]:
        problems.append(f"raw TeX left in the text: {report['raw']}")
    return problems


def _check_widgets(page) -> list[str]:
    if page.locator(WIDGET_VIEW).count() == 0:
        return []
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(WIDGETS_SETTLED, arg=WIDGET_VIEW, timeout=20_000)
    except PlaywrightTimeout:
        pass  # reported below, view by view
    report = page.evaluate(WIDGET_REPORT, WIDGET_VIEW)
    problems = []
    for view in report["views"]:
        if not view["inState"]:
            problems.append(f"widget {view['model']}: no saved state in the notebook")
        elif not view["rendered"]:
            problems.append(f"widget {view['model']}: not rendered from its saved state")
        elif view["height"] < 5 or view["width"] < 5:
            problems.append(f"widget {view['model']}: rendered empty "
                            f"({view['width']:.0f}x{view['height']:.0f} px)")
    if report["errorWidgets"]:
        problems.append(f"{report['errorWidgets']} widgets show the error fallback")
    if report["shownOutputs"] < report["savedOutputs"]:
        problems.append(f"{report['savedOutputs']} Output widgets saved with outputs but "
                        f"{report['shownOutputs']} show them")
    return problems


def _check_explorers(page, pair: tuple[Path, Path] | None) -> list[str]:
    """Move every explorer's slider (keyboard) and buttons; its image and label must follow.

    `pair`: where to save the first explorer before and after its slider moves to the end.
    """
    problems = []
    ranges = page.locator('input[type="range"]')
    for k in range(ranges.count()):
        slider = ranges.nth(k)
        name = f"slider {k + 1} of {ranges.count()}"
        start = slider.evaluate(EXPLORER_STATE)
        if start is None:
            problems.append(f"{name}: a range input outside a kernel-free explorer (.cl-slider)")
            continue
        if int(start["max"]) < 1:
            problems.append(f"{name}: an explorer with a single frame")
            continue
        root = slider.locator("xpath=ancestor::div[contains(@class, 'cl-slider')][1]")
        slider.scroll_into_view_if_needed()
        if pair and k == 0:
            root.screenshot(path=str(pair[0]))
        slider.focus()
        page.keyboard.press("ArrowRight")
        step = slider.evaluate(EXPLORER_STATE)
        page.keyboard.press("End")
        last = slider.evaluate(EXPLORER_STATE)
        if pair and k == 0:
            root.screenshot(path=str(pair[1]))
        page.keyboard.press("Home")
        back = slider.evaluate(EXPLORER_STATE)
        root.locator('[data-act="next"]').click()
        clicked = slider.evaluate(EXPLORER_STATE)
        root.locator('[data-act="prev"]').click()
        if step["value"] != "1" or step["image"] == start["image"]:
            problems.append(f"{name}: one step right did not change the image ({start['label']})")
        elif step["label"] == start["label"]:
            problems.append(f"{name}: one step right did not change the label")
        if last["value"] != start["max"] or last["image"] == start["image"]:
            problems.append(f"{name}: the last frame shows the first frame's image")
        if back["image"] != start["image"]:
            problems.append(f"{name}: back at the start, the first image did not come back")
        if clicked["image"] != step["image"]:
            problems.append(f"{name}: the ▶ button does not show the next frame")
    return problems


# Two Hangul words drawn alike are two rows of the same empty box: no font has Hangul.
HANGUL_DRAWN = """() => {
  const canvas = document.createElement("canvas");
  canvas.width = 240; canvas.height = 48;
  const g = canvas.getContext("2d");
  const font = getComputedStyle(document.querySelector("main") || document.body).fontFamily;
  const draw = (text) => {
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.font = "32px " + font;
    g.fillText(text, 0, 36);
    return g.getImageData(0, 0, canvas.width, canvas.height).data.join(",");
  };
  return draw("한국어") !== draw("가가가");
}"""


def _check_language_switch(page, book_url: str, language: str, entry: str,
                           click: bool = True) -> list[str]:
    """The visible switch opens this page in the other language (its <html lang> says so).

    With `click=False` the link's target is fetched instead of opened: the same checks (one
    visible switch, the counterpart's URL, a page in the other language) without rendering a
    second page, which the per-page test renders in its own case anyway.
    """
    other = "ko" if language == "en" else "en"
    switch = page.locator("a.cl-language-switch")
    if switch.count() != 1 or not switch.is_visible():
        return [f"{switch.count()} language switches, visible: "
                f"{switch.count() == 1 and switch.is_visible()}"]
    problems = []
    expected = book_url + LANGUAGES[other] + f"{entry}.html"
    if click:
        with page.expect_navigation(wait_until="load"):
            switch.click()
        target = page.url.split("#")[0]
        lang = page.evaluate("document.documentElement.lang")
    else:
        target = switch.evaluate("a => a.href").split("#")[0]
        response = page.request.get(target)
        if not response.ok:
            return [f"the language switch leads to {target}, which answers {response.status}"]
        found = re.search(r'<html[^>]*\blang="([^"]+)"', response.text())
        lang = found.group(1) if found else None
    if target != expected:
        problems.append(f"the language switch leads to {target}, not {expected}")
    if lang != other:
        problems.append(f"the language switch leads to a page in {lang!r}, not {other!r}")
    return problems


# The before/after explorer screenshots come from the first chapter page in toc order.
FIRST_CHAPTER = next((p.entry for p in PAGES if p.entry.startswith("chapters/")), None)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("page_info", PAGES, ids=[p.entry for p in PAGES])
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_page_works_offline_in_a_browser(browser, book_url, page_info: TocPage, viewport: str,
                                         language: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = LANGUAGES[language]
    shot = f"{prefix.replace('/', '__')}{_slug(page_info.entry)}-{viewport}.png"
    pair = None
    if page_info.entry == FIRST_CHAPTER:
        pair = (ARTIFACTS / f"{prefix.replace('/', '__')}explorer-before-{viewport}.png",
                ARTIFACTS / f"{prefix.replace('/', '__')}explorer-after-{viewport}.png")
    context = browser.new_context(viewport=VIEWPORTS[viewport], service_workers="block",
                                  is_mobile=viewport == "phone", has_touch=viewport == "phone")
    page = context.new_page()
    log = PageLog(page, book_url)
    try:
        page.goto(book_url + prefix + page_info.html, wait_until="load")
        problems = _check_widgets(page)  # first: MathJax typesets widget labels as they render
        problems += _check_math(page)
        problems += _check_layout(page, viewport)
        problems += _check_explorers(page, pair)
        page.evaluate("window.scrollTo(0, 0)")
        if language == "ko" and not page.evaluate(HANGUL_DRAWN):
            problems.append("Hangul is drawn as empty boxes: no Korean font (`make browser` "
                            "installs Debian's fonts-noto-cjk)")
        page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        if viewport == "phone":
            problems += _check_phone_menu(page)
        # Clicked on the first chapter (and from files, below); fetched on the other pages.
        problems += _check_language_switch(page, book_url, language, page_info.entry,
                                           click=page_info.entry == FIRST_CHAPTER)
    finally:
        context.close()
    problems += [f"request left the book: {url}" for url in log.external]
    problems += log.errors
    assert not problems, (f"{prefix}{page_info.entry} in Chromium ({viewport}):\n  "
                          + "\n  ".join(problems))


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_language_switch_works_from_files(browser, built_book, language: str):
    """Opened from disk (file://, no server), the switch still leads to the counterpart page."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        problems = []
        for entry in [PAGES[0].entry, FIRST_CHAPTER]:
            page.goto((built_book / LANGUAGES[language] / f"{entry}.html").as_uri(),
                      wait_until="load")
            problems += _check_language_switch(page, built_book.as_uri() + "/", language, entry)
    finally:
        context.close()
    assert not problems, f"from file:// ({language}):\n  " + "\n  ".join(problems)
