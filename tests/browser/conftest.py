"""Fixtures for the browser tests (marker ``browser``): one seeded city and one live server per test
session (per xdist worker), one Chromium, and a fresh signed-in browser context per user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CityFacts, city_facts, ensure_chromium, live_server, log_in, seed_city
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright


@pytest.fixture(scope="session")
def city_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser_city")


@pytest.fixture(scope="session")
def city_url(city_folder: Path) -> str:
    return seed_city(city_folder / "city.db")


@pytest.fixture(scope="session")
def city(city_url: str) -> CityFacts:
    return city_facts(city_url)


@pytest.fixture(scope="session")
def server(city_url: str, city_folder: Path) -> Iterator[str]:
    with live_server(city_url, city_folder) as base:
        yield base


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    ensure_chromium()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    yield browser
    browser.close()


@pytest.fixture
def open_as(chromium: Browser, server: str) -> Iterator[Callable[[str | None], Page]]:
    """``open_as("hunnan")`` -> a page in its own browser context signed in as that demo user
    (``open_as(None)``: signed out)."""
    contexts: list[BrowserContext] = []

    def make(username: str | None) -> Page:
        context = chromium.new_context(
            base_url=server, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username is not None:
            log_in(page, server, username)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    from browser_kit import SCREENSHOTS

    return SCREENSHOTS
