"""Hypothesis settings: no deadline (CI machines vary); a derandomised profile for CI. Under
pytest-xdist (`make test` runs a worker per core) each worker keeps to its share of the cores, and
the slow tests are collected first. Pages in a real headless browser (Debian's chromium, installed
by `make test`)."""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


def pytest_configure(config: pytest.Config) -> None:
    """Each xdist worker keeps to its share of the cores: two trainings side by side with the default
    pools run slower than with one thread each (``symgroup.study.cell_run.attempt``)."""
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if workers is None:
        return
    import torch
    from threadpoolctl import threadpool_limits

    threads = max(1, (os.cpu_count() or 1) // int(workers))
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    torch.set_num_threads(threads)
    threadpool_limits(threads)


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("SYMGROUP_REQUIRE_BROWSER"),
    reason="chromium and chromedriver are installed by `make test`",
)


@dataclass
class LoadedPage:
    errors: list  # the console's SEVERE entries
    text: str  # the text of the element asked for, as shown
    shown: bool
    images_loaded: bool
    screenshot: np.ndarray
    width: int  # the page's laid-out width in CSS pixels: above the window's, it overflows sideways
    probed: object = None  # what the ``probe`` script returned in the loaded page


def load_in_chromium(
    page: Path, element_id: str, screenshot: Path, width: int = 1200, probe: str = "return null"
) -> LoadedPage:
    """``page`` loaded in a real headless chromium (``width`` px wide), what it shows, and what the
    JavaScript ``probe`` returns there."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},1600"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        browser.get(page.as_uri())
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        element = browser.find_element("id", element_id)
        loaded = browser.execute_script(
            "return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
        )
        laid_out = browser.execute_script("return document.documentElement.scrollWidth")
        assert browser.save_screenshot(str(screenshot))
        return LoadedPage(
            errors,
            element.text,
            element.is_displayed(),
            loaded,
            matplotlib.image.imread(screenshot),
            laid_out,
            browser.execute_script(probe),
        )
    finally:
        browser.quit()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first: under xdist the long trainings start at once and the short tests fill
    the other workers around them, instead of the longest starting last in one worker's queue."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
