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
    """Debian's chromium; when it is missing the browser tests fail and say how to get it (a skipped browser
    test would prove nothing about the page)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "browser test not run: Debian's chromium is missing (make test installs it where apt-get can; "
            "otherwise: sudo apt-get install chromium)"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
