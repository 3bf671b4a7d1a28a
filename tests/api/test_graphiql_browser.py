"""GraphiQL in a real headless Chromium: it loads with no network and runs the example query.

Chromium comes from Debian (`apt-get install chromium`); Playwright only drives it, so no
browser download is involved. Every request to a host other than the live server is aborted and
recorded, and the test fails if there was any: the page must work offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from service.api.graphiql import example_queries

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXPECTED = "the war against terrorism in Afghanistan"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install chromium)"
)


async def test_graphiql_runs_the_example_query_offline(
    live_server: Any, seeded: dict[str, Any]
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    local = urlsplit(live_server.url).netloc
    outside: list[str] = []
    problems: list[str] = []

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 2000})

            async def only_local(route: Any) -> None:
                parts = urlsplit(route.request.url)
                if parts.scheme in ("http", "https") and parts.netloc == local:
                    await route.continue_()
                else:
                    outside.append(route.request.url)
                    await route.abort()

            await page.route("**/*", only_local)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console: {message.text}") if message.type == "error" else None
                ),
            )

            await page.goto(f"{live_server.url}/graphql", wait_until="load")
            editor = page.locator(".graphiql-query-editor")
            await editor.wait_for(timeout=30_000)
            assert "Nazarbayev" in await editor.inner_text()
            # every example query has its tab, and the explorer plugin its sidebar button
            tabs = page.locator(".graphiql-tab")
            assert await tabs.count() == len(example_queries())
            explorer = page.get_by_label("Show GraphiQL Explorer")
            await explorer.click()
            await page.locator(".graphiql-explorer-root").wait_for(timeout=10_000)

            async with page.expect_response(
                lambda r: (
                    r.url.endswith("/graphql")
                    and r.request.method == "POST"
                    and "statements" in (r.request.post_data or "")
                )
            ) as answer:
                await page.locator(".graphiql-execute-button").click()
            response = await answer.value
            assert response.status == 200
            body = await response.json()
            assert "errors" not in body, body
            assert any(EXPECTED in node["text"] for node in body["data"]["statements"]["nodes"])

            result = page.locator(".graphiql-response")
            await page.wait_for_function(
                "text => document.querySelector('.graphiql-response')?.textContent.includes(text)",
                arg=EXPECTED,
                timeout=30_000,
            )
            assert "Nursultan" in await result.inner_text()
        finally:
            await browser.close()

    assert outside == [], f"the page tried to reach other hosts: {outside}"
    assert problems == [], problems
