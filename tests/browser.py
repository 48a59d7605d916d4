"""Debian's chromium for the browser tests: headless, offline, never a downloaded browser."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright):
    """A chromium browser; when it is missing, the test is skipped with the reason, or fails under .ci/run
    (TALKS_REQUIRE_BROWSER): CI must run the browser tests."""
    if not os.path.exists(CHROMIUM):
        why = "browser test not run: Debian's chromium is missing (make test installs it where apt-get can)"
        if os.environ.get("TALKS_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
