"""Charts drawn by JavaScript libraries in headless Chromium: a browser a process, a tab a library.

An engine hands over its library's script files and a snippet that draws one chart: the snippet
runs as an async function body with `spec` (the engine's JSON-able data), `element` (an empty
div of the chart's size) and `done` (to call once the chart is drawn).
"""

import atexit
import base64
import contextlib
import io
import tempfile
from pathlib import Path

from PIL import Image

from mlcore.charts.base import sides
from mlcore.charts.text import pick
from mlcore.scraping.browser import BrowserError, chromium, find_browser

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>html, body {{ margin: 0; padding: 0; background: transparent; }}</style>
{scripts}</head><body></body></html>"""
RUN = """
const [spec, width, height, background, code, done] = arguments;
document.body.innerHTML = "";
const element = document.createElement("div");
element.id = "chart";
Object.assign(element.style, {width: width + "px", height: height + "px", background});
document.body.appendChild(element);
new Function("spec", "element", "done", code)(spec, element, done);
"""
SCRIPT_TIMEOUT = 30


def missing(scripts) -> str | None:
    """Why charts cannot be drawn with these script files here, or None."""
    try:
        find_browser()
    except BrowserError as error:
        return str(error)
    absent = [str(path) for path in scripts if not Path(path).is_file()]
    if absent:
        return f"{', '.join(absent)} not found (scripts/install.sh installs it)"
    return None


def rgba(colour: str, alpha: float) -> str:
    """A CSS colour: "#rrggbb" at that opacity."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def canvas_size(rng, size: int, round_chart: bool, shortest: int) -> tuple[int, int, float]:
    """CSS width and height and device pixel ratio, at least size pixels on the longest side and
    no side under shortest CSS pixels; pies and donuts are about square."""
    longest = max(rng.uniform(400, 800), size / 2)
    scale = pick(rng, [s for s in (1.0, 1.0, 1.5, 2.0) if size <= longest * s <= 4 * size] or [1.0])
    longest = max(longest, size / scale)
    if round_chart:
        aspect = rng.uniform(0.85, 1.6)
    else:
        aspect = pick(rng, [rng.uniform(1.3, 2.2), rng.uniform(1.0, 1.3), rng.uniform(0.7, 1.0)])
    width, height = sides(longest, aspect)
    return round(max(width, shortest)), round(max(height, shortest)), scale


class Session:
    def __init__(self):
        self.stack = contextlib.ExitStack()
        self.driver = self.stack.enter_context(chromium())
        self.driver.set_script_timeout(SCRIPT_TIMEOUT)
        self.folder = Path(self.stack.enter_context(tempfile.TemporaryDirectory()))
        self.tabs = {}  # library -> window handle

    def tab(self, library: str, scripts) -> None:
        if library not in self.tabs:
            tags = "\n".join(
                f'<script src="{Path(path).resolve().as_uri()}"></script>' for path in scripts
            )
            page = self.folder / f"{library}.html"
            page.write_text(PAGE.format(scripts=tags))
            if self.tabs:
                self.driver.switch_to.new_window("tab")
            self.driver.get(page.as_uri())
            self.tabs[library] = self.driver.current_window_handle
        self.driver.switch_to.window(self.tabs[library])

    def draw(self, library, scripts, code, spec, width, height, scale, background) -> Image.Image:
        self.tab(library, scripts)
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
        )
        self.driver.execute_async_script(RUN, spec, width, height, background, code)
        # a screenshot of the div alone, at the scale asked for (Page.captureScreenshot's clip)
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                "captureBeyondViewport": True,
            },
        )
        return Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")

    def close(self):
        self.stack.close()


_session = None


def draw(library, scripts, code, spec, width, height, scale=1.0, background="white") -> Image.Image:
    """The chart the snippet draws, as a browser shows it at that device pixel ratio."""
    global _session
    if _session is None:
        _session = Session()
        atexit.register(_session.close)
    return _session.draw(library, scripts, code, spec, width, height, scale, background)
