"""One headless Debian Chromium page for the map tests, and opening a written map offline in it."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_page():
    """A generator for a module-scoped fixture: one page of a 1280×800 Chromium window (skips
    when Debian's chromium or playwright is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        yield context.new_page()
        browser.close()


def open_offline(page, path: Path, document: str, timeout_ms: int = 60_000) -> list[str]:
    """Write ``document`` to ``path``, open it with every non-file request refused, wait until the
    map says it is ready; the page's script errors (collected from then on) are returned."""
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    path.write_text(document, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-geo-ready='true']", timeout=timeout_ms)
    return errors
