"""`techquiz serve` in a real browser: Debian's headless chromium driven by Playwright.

One server and one browser for the module keep it well under a minute. The page is phone-sized
(400x800 CSS pixels, touch): what a learner on the sofa gets.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .served import Served, TerminalView, wait_until

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no browser: {CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)",
)

DECK = """\
format: 1
id: web-deck
title: Web deck for the browser
cards:
  - {id: one, front: First question in the browser?, back: First answer}
  - {id: two, front: Second question in the browser?, back: Second answer}
  - {id: three, front: Third question in the browser?, back: Third answer}
"""
PHONE: dict[str, Any] = {
    "viewport": {"width": 400, "height": 800},
    "is_mobile": True,
    "has_touch": True,
    # With an emulated pixel ratio of 2, headless chromium's ResizeObserver reports the
    # device-pixel-content-box in CSS pixels (against the spec), so xterm.js sizes its canvas at half
    # and the drawing is cropped; real HiDPI screens report device pixels and are not affected.
    "device_scale_factor": 1,
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("serve")
    (root / "decks").mkdir()
    (root / "decks" / "web.yaml").write_text(DECK, encoding="utf-8")
    server = Served.start(root, "--decks", "decks")  # relative: the app process must get it resolved
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[Page, TerminalView]]:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    view = TerminalView()
    view.attach(page)
    yield page, view
    context.close()


def tap_text(page: Page, view: TerminalView, label: str) -> None:
    """Tap the middle of `label` where the browser draws it."""
    where = view.find(label)
    assert where is not None, f"{label!r} is not on the screen:\n{view.text()}"
    col, row = where
    box = page.locator(".xterm-screen").bounding_box()
    assert box is not None
    cell_w, cell_h = box["width"] / view.screen.columns, box["height"] / view.screen.lines
    page.touchscreen.tap(box["x"] + (col + len(label) / 2) * cell_w, box["y"] + (row + 0.5) * cell_h)


def colours_drawn(page: Page, view: TerminalView, label: str) -> int:
    """How many different colours the browser painted where the screen has `label` (1 = nothing drawn)."""
    where = view.find(label)
    assert where is not None, f"{label!r} is not on the screen:\n{view.text()}"
    col, row = where
    return int(
        page.evaluate(
            """([col, row, len, cols, rows]) => {
                const canvas = document.querySelector("canvas.xterm-text-layer");
                const w = canvas.width / cols, h = canvas.height / rows;
                const data = canvas.getContext("2d").getImageData(col * w, row * h, len * w, h).data;
                const seen = new Set();
                for (let i = 0; i < data.length; i += 4) seen.add(data.slice(i, i + 4).join());
                return seen.size;
            }""",
            [col, row, len(label), view.screen.columns, view.screen.lines],
        )
    )


def test_study_with_keys_and_a_tap_on_a_phone(served: Served, phone: tuple[Page, TerminalView], tmp_path: Path) -> None:
    page, view = phone
    page.goto(served.url)
    assert page.title() == "techquiz"
    wait_until(page, lambda: "Web deck for the browser" in view.text(), "the home screen with the --decks deck")
    assert view.screen.columns <= 60, "a phone gets a narrow terminal"

    # No tap first: the page gives the terminal the keyboard focus once the app has drawn, and the app,
    # told it has focus, shows its key bar.
    wait_until(page, lambda: "a Study all" in view.text(), "the key bar")
    decks = [line for line in view.screen.display if "Tech opening-up" in line or "Web deck" in line]
    for _ in range(next(i for i, line in enumerate(decks) if "Web deck" in line)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_until(page, lambda: "First question in the browser?" in view.text(), "the first card")

    page.keyboard.press(" ")
    wait_until(page, lambda: "First answer" in view.text(), "the first answer")
    page.keyboard.press("2")
    wait_until(page, lambda: len(served.reviews()) == 1, "the keyboard review in the store")
    assert served.reviews() == [("web-deck", "one", 2)]  # Hard, in the data dir the server was given

    wait_until(page, lambda: "Second question in the browser?" in view.text(), "the second card")
    page.keyboard.press("Enter")
    wait_until(page, lambda: "Second answer" in view.text() and "4 Easy" in view.text(), "the revealed card")
    page.screenshot(path=tmp_path / "phone.png")
    every_grade = ("1 Again", "2 Hard", "3 Good", "4 Easy")
    assert all(view.find(label) for label in every_grade), f"a grade button is cut off:\n{view.text()}"
    assert all(colours_drawn(page, view, label) > 4 for label in (*every_grade, "Second answer")), "not painted"
    assert "Second question in the browser?" in view.text()

    tap_text(page, view, "3 Good")
    wait_until(page, lambda: len(served.reviews()) == 2, "the tapped review in the store")
    assert served.reviews()[1] == ("web-deck", "two", 3)


def test_every_route_without_the_token_is_404(served: Served, browser: Browser) -> None:
    context = browser.new_context()
    try:
        request = context.request
        token_path = served.url.removeprefix(served.base)
        token = token_path.strip("/")
        near_misses = (f"/{token}x/", f"/{token[:-1]}/", f"/{token.upper()}/", f"/{'A' * len(token)}/")
        for path in ("/", "/ws", "/static/js/textual.js", "/favicon.ico", *near_misses):
            assert request.get(served.base + path).status == 404, path
        assert request.get(served.base + near_misses[1] + "static/js/textual.js").status == 404
        page = context.new_page()
        assert page.goto(served.base + "/") is not None
        assert "404" in page.content()
        assert request.get(served.url + "static/js/textual.js").status == 200
    finally:
        context.close()


class OtherSite(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<title>another local web app</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def other_site() -> Iterator[str]:
    """Another web app on this computer (a dev server, a router page...) at its own origin."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_websocket_from_another_site_is_refused(served: Served, browser: Browser, other_site: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        # Any page open in the learner's browser can try to open techquiz's websocket; only techquiz's
        # own page gets a session. (Chromium also keeps public sites off local addresses; other browsers
        # do not, and tests/web/test_gate.py sends such an Origin directly.)
        page.goto(other_site)
        ws_url = served.url.replace("http://", "ws://") + "ws"
        outcome = page.evaluate(
            """url => new Promise(done => {
                const ws = new WebSocket(url);
                ws.onopen = () => { ws.close(); done("open"); };
                ws.onerror = () => done("refused");
            })""",
            ws_url,
        )
        assert outcome == "refused"
        assert "refused a connection from 127.0.0.1: its page is not techquiz's own" in served.output()
    finally:
        context.close()
