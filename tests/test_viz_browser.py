"""The trainer app in headless Chromium: serve it, pick a lesson, Step, Play, check it moves.

Starts ``cspsim-viz`` on a free port (caches in a temporary HOME), drives Debian's Chromium
through Playwright, and checks that the day counter, the map colours and the charts change
after Step and Play, that hover and click show a place's details, that the side-by-side view
steps two runs, and that the browser logged no errors. A screenshot is saved in the test's
temporary directory; with ``CSPSIM_SAVE_SCREENSHOT=1`` it also replaces ``docs/img/app.png``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Known warning from Solara's own router template (not an error, not ours).
ALLOWED_WARNINGS = ("Failed to evaluate Vue script",)
REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"{CHROMIUM} missing: `make test` installs Debian's chromium (apt-get install "
        "chromium); Playwright cannot download a browser here",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """``cspsim-viz`` on a free localhost port; yields its URL."""
    home = tmp_path_factory.mktemp("viz-home")
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        SOLARA_HOME=str(home / "solara"),
        MPLCONFIGDIR=str(home / "mpl"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTER_CONFIG_DIR=str(home / "jupyter"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    port = free_port()
    exe = Path(sys.executable).with_name("cspsim-viz")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cspsim.viz.cli"]
    log = open(home / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [*cmd, "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.flush()
                pytest.fail(f"cspsim-viz did not start:\n{(home / 'server.log').read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_trainer_app_in_chromium(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(30_000)

        def on_console(msg) -> None:
            if msg.type == "error" or (
                msg.type == "warning" and not msg.text.startswith(ALLOWED_WARNINGS)
            ):
                problems.append(f"console {msg.type}: {msg.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

        def day() -> int:
            return int(page.locator(".cspsim-day").first.inner_text().split()[-1])

        def fills() -> str:
            return page.eval_on_selector_all(
                ".cspsim-map circle.place", "els => els.map(e => e.getAttribute('fill')).join()"
            )

        def chart() -> str:
            return page.locator(".cspsim-chart-crime").first.inner_html()

        def changed(read, old: str, seconds: float = 10.0) -> str:
            """Poll ``read()`` until it differs from ``old`` (the browser updates async)."""
            deadline = time.time() + seconds
            new = read()
            while new == old and time.time() < deadline:
                time.sleep(0.1)
                new = read()
            assert new != old, f"{read.__name__} did not change"
            return new

        page.goto(server)
        page.wait_for_selector(".cspsim-map circle.place", timeout=60_000)
        assert page.locator(".cspsim-map circle.place").count() == 579  # SF block groups

        # Choose a lesson: the app rebuilds the model for it (title in the app bar).
        title = "5. Around a patrolled hot spot"
        page.locator(".cspsim-lesson-select .v-select__selections").click()
        page.locator(".v-menu__content .v-list-item", has_text=title).click()
        page.wait_for_function(
            "t => [...document.querySelectorAll('.v-toolbar__title')]"
            ".some(e => e.innerText.includes(t))",
            arg=title,
        )
        page.wait_for_selector(".cspsim-map circle.place")
        assert day() == 0
        map0, chart0 = fills(), chart()

        # Step: one day on screen.
        t0 = time.perf_counter()
        page.get_by_role("button", name="Step").click()
        page.wait_for_function(
            "() => document.querySelector('.cspsim-day').innerText.endsWith('1')"
        )
        step_ms = 1e3 * (time.perf_counter() - t0)
        map1, chart1 = changed(fills, map0), changed(chart, chart0)

        # Play for a few seconds, then pause: days go by, map and charts keep changing.
        save = os.environ.get("CSPSIM_SAVE_SCREENSHOT") == "1"
        target = 60 if save else 6  # the README picture shows two months
        page.get_by_role("button", name="▶").click()
        page.wait_for_function(
            "n => +document.querySelector('.cspsim-day').innerText.split('\\n').pop() >= n",
            arg=target,
            timeout=60_000,
        )
        page.get_by_role("button", name="❚❚").click()
        time.sleep(0.5)
        assert day() >= 6
        changed(fills, map1)
        changed(chart, chart1)

        # Hover shows a place's details; a click pins them in the details card.
        place = page.locator(".cspsim-map circle.place").nth(300)
        place.hover()
        assert "True crime" in page.locator(".cspsim-tooltip").inner_text()
        place.click()
        page.wait_for_selector(".cspsim-details table")
        assert "Officers here today" in page.locator(".cspsim-details").inner_text()
        page.mouse.move(5, 5)
        shot = tmp_path / "app.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        if save:
            (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, REPO / "docs" / "img" / "app.png")

        # Side by side: two maps, same seed, stepping together.
        page.get_by_role("button", name="Side by side").click()
        page.wait_for_selector(".cspsim-map-B circle.place")
        page.get_by_role("button", name="Step").click()
        page.wait_for_selector(".cspsim-compare")
        assert "B vs A" in page.locator(".cspsim-compare").inner_text()
        days = page.locator(".cspsim-day").all_inner_texts()
        assert len(days) == 2 and days[0] == days[1]
        page.screenshot(path=str(tmp_path / "side_by_side.png"))
        browser.close()
    assert not problems, "\n".join(problems)
    print(f"Step round trip in the browser: {step_ms:.0f} ms")
