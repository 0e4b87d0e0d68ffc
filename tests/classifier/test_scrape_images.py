import hashlib
import json
import os
import re
import shutil
import threading
import time
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from mlcore.scraping import engines, manifest
from mlcore.scraping.downloads import Throttle, fetch, run_until
from mlcore.scraping.http import make_session
from mlcore.scraping.hygiene import Rejected
from mlcore.storage import files as written_files
from tests.pictures import encode, picture

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("chromedriver") is None,
    reason="needs Chromium and chromedriver: apt-get install chromium chromium-driver",
)

# A search page laid out like Bing's: four results, four more when scrolled to the bottom, then
# a "See more images" button for the rest.
RESULTS_PAGE = """<!doctype html>
<html><head><style>.iusc { display: block; height: 300px }</style></head>
<body><div id="results"></div>
<a class="btn_seemore" href="#" style="display: none">See more images</a>
<script>
const results = RESULTS;
const box = document.getElementById("results");
const more = document.querySelector(".btn_seemore");
let shown = 0;
function show(n) {
    for (const murl of results.slice(shown, shown + n)) {
        const a = document.createElement("a");
        a.className = "iusc";
        a.setAttribute("m", JSON.stringify({murl: murl, turl: "/thumb.png"}));
        a.innerHTML = '<img src="/thumb.png">';
        box.append(a);
    }
    shown += n;
}
show(4);
addEventListener("scroll", () => {
    if (innerHeight + scrollY < document.body.scrollHeight - 10) return;
    if (shown < 8) show(4); else if (shown < results.length) more.style.display = "";
});
more.addEventListener("click", event => {
    event.preventDefault();
    more.style.display = "none";
    show(results.length);
});
</script></body></html>"""

GALLERY_PAGE = """<!doctype html>
<html><body>
<a href="/img/full.jpg"><img src="/img/thumb-of-full.jpg"></a>
<a href="/about.html"><img src="/img/linked-to-a-page.png"></a>
<img src="/img/small.jpg" srcset="/img/small.jpg 160w, /img/large.jpg 800w, /img/mid.jpg 400w">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</body></html>"""


def noise(size):
    pixels = np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8)
    return encode(Image.fromarray(pixels), "PNG")


PICTURES = {name: encode(picture(seed)) for seed, name in enumerate("acdefghi", 1)}
PICTURES["b"] = encode(picture(20), "PNG")
FILES = {
    "/img/a.jpg": PICTURES["a"],
    "/img/a-small.jpg": encode(picture(1).resize((150, 112)), quality=60),
    "/img/b.png": PICTURES["b"],
    "/img/b-copy.png": PICTURES["b"],
    "/img/c.jpg": PICTURES["c"],
    "/img/c-again.jpg": PICTURES["c"],
    "/img/e.jpg": PICTURES["e"],
    "/img/e-resized.jpg": encode(picture(4).resize((200, 150))),
    "/img/f.jpg": PICTURES["f"],
    "/img/g.jpg": PICTURES["g"],
    "/img/h.jpg": PICTURES["h"],
    "/img/i.jpg": PICTURES["i"],
    "/img/tiny.png": encode(picture(30, (40, 40)), "PNG"),
    "/img/huge.png": noise(400),
}
SEARCHES = {
    "iron man": [
        "/img/missing.jpg",  # 404
        "/img/a.jpg",
        "/img/fake.jpg",  # HTML served as image/jpeg
        "/img/tiny.png",
        "/img/a-small.jpg",  # a re-encoded and smaller: a near duplicate
        "/img/b.png",
        "/img/b-copy.png",  # the same bytes as b
        "/img/slow.jpg",  # answers after the timeout
        "/img/huge.png",  # over --max-mb
        "/page.html",
        "/img/c.jpg",
        "/img/d.jpg",  # 503 once, then the picture
    ],
    "hulk": ["/img/e.jpg", "/img/f.jpg", "/img/g.jpg"],
    "thanos": ["/img/e-resized.jpg", "/img/c-again.jpg", "/img/h.jpg", "/img/i.jpg"],
}


@pytest.fixture
def site(local_server, monkeypatch):
    """The local server as an image search engine named "fixture", with Bing's page layout."""
    url = local_server.url
    for query, paths in SEARCHES.items():
        page = RESULTS_PAGE.replace("RESULTS", json.dumps([url + path for path in paths]))
        local_server.route(f"/search?q={query.replace(' ', '+')}", page, content_type="text/html")
    for path, data in FILES.items():
        kind = "image/png" if path.endswith(".png") else "image/jpeg"
        local_server.route(path, data, content_type=kind)
    local_server.route("/thumb.png", encode(picture(0, (16, 16)), "PNG"), content_type="image/png")
    local_server.route("/img/fake.jpg", "<!doctype html><p>hi</p>", content_type="image/jpeg")
    local_server.route("/page.html", "<p>a page</p>", content_type="text/html")
    local_server.route("/img/slow.jpg", PICTURES["d"], content_type="image/jpeg", delay=3)
    local_server.route("/img/d.jpg", "busy", status=503, content_type="text/plain", times=1)
    local_server.route("/img/d.jpg", PICTURES["d"], content_type="image/jpeg")
    local_server.route("/gallery.html", GALLERY_PAGE, content_type="text/html")
    for seed, path in enumerate(("/img/full.jpg", "/img/linked-to-a-page.png", "/img/large.jpg")):
        local_server.route(path, encode(picture(40 + seed), "PNG"), content_type="image/png")

    class Fixture(engines.Bing):
        search_url = f"{url}/search?q={{query}}"

    monkeypatch.setitem(engines.ENGINES, "fixture", Fixture)
    return local_server


def scrape(out, label, *queries, engine="fixture", **options):
    stdout, stderr = StringIO(), StringIO()
    options = {
        "count": 5,
        "timeout": 0.5,
        "retries": 1,
        "host_delay": 0.1,
        "max_mb": 0.2,
        "wait": 0.5,
        **options,
    }
    call_command(
        "scrape_images",
        out,
        f"--class={label}",
        *(f"--query={query}" for query in queries),
        f"--engine={engine}",
        stdout=stdout,
        stderr=stderr,
        **options,
    )
    return stdout.getvalue()


def saved(out, label):
    return sorted(path.name for path in (out / label).iterdir())


def file_name(picture_name):
    data = PICTURES[picture_name]
    suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg"
    return hashlib.sha256(data).hexdigest()[:16] + suffix


@needs_chromium
def test_scrape_cleans_records_and_resumes(site, tmp_path):
    out = tmp_path / "heroes"
    report = scrape(out, "hero", "iron man", "hulk")
    assert saved(out, "hero") == sorted(map(file_name, "abcef"))
    assert (
        "Found 13 new image URLs, downloaded 8, kept 5; rejected 8 (1 HTTP error, 1 duplicate, "
        "1 near duplicate, 2 not an image, 1 timeout, 1 too large, 1 too small)." in report
    )
    assert "'hero' has 5 images" in report
    rows = manifest.read(out)
    assert [(row["url"].removeprefix(site.url), row["query"]) for row in rows] == [
        ("/img/a.jpg", "iron man"),
        ("/img/b.png", "iron man"),
        ("/img/c.jpg", "iron man"),
        ("/img/e.jpg", "hulk"),
        ("/img/f.jpg", "hulk"),
    ]
    for row in rows:
        data = (out / row["file"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert (row["label"], row["engine"], row["bytes"]) == ("hero", "fixture", str(len(data)))
        assert (row["width"], row["height"]) == ("160", "120")

    requests = len(site.requests)
    assert "'hero' already has 5 images: nothing to do." in scrape(out, "hero", "iron man")
    assert len(site.requests) == requests

    report = scrape(out, "hero", "iron man", "hulk", count=7)
    assert saved(out, "hero") == sorted(map(file_name, "abcdefg"))
    assert "Found 10 new image URLs, downloaded 5, kept 2;" in report
    # Downloads run 8 at a time: the manifest is in the order they finished.
    assert sorted(row["url"].removeprefix(site.url) for row in manifest.read(out)[5:]) == [
        "/img/d.jpg",
        "/img/g.jpg",
    ]
    for path in ("/img/a.jpg", "/img/b.png", "/img/c.jpg", "/img/e.jpg", "/img/f.jpg"):
        assert site.requests.count(path) == 1
    assert site.requests.count("/img/d.jpg") == 2  # a 503, then a retry

    report = scrape(out, "villain", "thanos", count=2, verbosity=2)
    assert saved(out, "villain") == sorted(map(file_name, "hi"))
    near = rf"/img/e-resized.jpg: near duplicate: \d bits from hero/{file_name('e')}"
    assert re.search(near, report)
    assert f"/img/c-again.jpg: duplicate: the same file as hero/{file_name('c')}" in report
    assert len(manifest.read(out)) == 9
    assert not [path for path in out.rglob(".*")]


@needs_chromium
def test_interrupted_leaves_whole_files_and_goes_on_where_it_stopped(site, tmp_path, monkeypatch):
    replace, renames = os.replace, []

    def interrupt_the_second(source, target):
        renames.append(target)
        if len(renames) == 2:
            raise KeyboardInterrupt
        replace(source, target)

    monkeypatch.setattr(written_files.os, "replace", interrupt_the_second)
    out = tmp_path / "heroes"
    report = scrape(out, "hero", "hulk", count=3)
    assert "Interrupted: saved 1 new images, 'hero' has 1." in report
    files = {path.name for path in out.rglob("*") if path.is_file()} - {"manifest.csv"}
    # One whole image (whichever download finished first) and no half-written file.
    assert len(files) == 1 and files <= set(map(file_name, "efg"))
    assert len(manifest.read(out)) == 1

    monkeypatch.setattr(written_files.os, "replace", replace)
    assert "kept 2;" in scrape(out, "hero", "hulk", count=3)
    assert saved(out, "hero") == sorted(map(file_name, "efg"))
    assert sorted(row["url"].removeprefix(site.url) for row in manifest.read(out)) == [
        "/img/e.jpg",
        "/img/f.jpg",
        "/img/g.jpg",
    ]


@needs_chromium
def test_gallery_takes_links_to_images_else_the_largest_source(site, tmp_path):
    out = tmp_path / "art"
    report = scrape(out, "art", f"{site.url}/gallery.html", engine="gallery", count=4)
    assert sorted(row["url"].removeprefix(site.url) for row in manifest.read(out)) == [
        "/img/full.jpg",
        "/img/large.jpg",
        "/img/linked-to-a-page.png",
    ]
    assert "'art' has 3 of 4 images" in report and "the results ran out" in report


def test_missing_browser_says_what_to_install(site, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="apt-get install chromium chromium-driver"):
        scrape(tmp_path / "out", "hero", "iron man")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--class=../up", "--query=x"], "--class must be a folder name"),
        (["--class=hero", "--query=x", "--count=0"], "--count must be at least 1"),
        (["--class=hero", "--query=x", "--timeout=0"], "--timeout must be more than 0"),
        (["--class=hero", "--query=iron man", "--engine=gallery"], "takes a page's http"),
        (["--class=hero", "--query=x", "--engine=google"], "invalid choice: 'google'"),
    ],
)
def test_bad_options(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("scrape_images", tmp_path, *args)
    assert not any(tmp_path.iterdir())


def test_bing_reads_the_full_size_url_from_the_json_attribute():
    bing, page = engines.Bing(), "https://www.bing.com/images/search?q=hulk"
    value = json.dumps({"murl": "https://example.org/hulk.jpg", "turl": "https://t/1"})
    assert bing.image_url(value, page) == "https://example.org/hulk.jpg"
    assert bing.image_url('{"murl": "/relative.png"}', page) == "https://www.bing.com/relative.png"
    for value in ("{not json", "[1]", '{"turl": "x"}', '{"murl": 5}', '{"murl": ""}', "", None):
        assert bing.image_url(value, page) is None
    assert bing.image_url('{"murl": "data:image/png;base64,iVBO"}', page) is None
    assert bing.page_url("iron man & co") == (
        "https://www.bing.com/images/search?q=iron+man+%26+co"
    )


def test_gallery_picks_the_link_or_the_largest_source():
    gallery, page = engines.Gallery(), "https://example.org/art/"
    assert gallery.image_url(["big.JPG", "thumb.jpg", None], page) == (
        "https://example.org/art/big.JPG"
    )
    assert gallery.image_url(["/about", "thumb.jpg", None], page) == (
        "https://example.org/art/thumb.jpg"
    )
    srcset = "a.jpg 1x, b.jpg 3x, c.jpg 2x"
    assert gallery.image_url([None, "a.jpg", srcset], page) == "https://example.org/art/b.jpg"
    assert engines.largest("a.jpg, b.jpg 200w,") == "b.jpg"
    assert engines.largest("") is None


def test_throttle_spaces_requests_to_the_same_host():
    throttle, finished = Throttle(0.2), []

    def request():
        throttle.wait("http://a/1")
        finished.append(time.monotonic())

    began = time.monotonic()
    threads = [threading.Thread(target=request) for _ in range(3)]
    for thread in threads:
        thread.start()
    throttle.wait("http://b/1")
    other_host = time.monotonic() - began
    for thread in threads:
        thread.join()
    assert max(finished) - began >= 0.4  # the third request to a waits for the two before it
    assert other_host < 0.15


@pytest.mark.parametrize(
    ("route", "reason", "detail"),
    [
        ({"status": 404}, "HTTP error", "HTTP 404 Not Found"),
        ({"content_type": "text/html"}, "not an image", "the server says it is text/html"),
        ({"body": b"<html>hi</html>"}, "not an image", "web page (HTML)"),
        ({"body": b"x" * 2000}, "too large", "2000 bytes"),
        ({"delay": 1}, "timeout", "no answer within 0.2 s"),
    ],
)
def test_fetch_rejects(local_server, route, reason, detail):
    local_server.route("/x.jpg", **{"body": PICTURES["a"], "content_type": "image/jpeg", **route})
    with make_session(retries=0) as session, pytest.raises(Rejected) as caught:
        fetch(session, f"{local_server.url}/x.jpg", Throttle(0), timeout=0.2, max_bytes=1000)
    assert caught.value.reason == reason and detail in caught.value.detail


def test_fetch_returns_the_bytes_or_says_it_cannot_connect(local_server):
    local_server.route("/x.jpg", PICTURES["a"], content_type="image/jpeg")
    with make_session(retries=0) as session:
        assert fetch(session, f"{local_server.url}/x.jpg", Throttle(0)) == PICTURES["a"]
        with pytest.raises(Rejected, match="connection failed: cannot connect"):
            fetch(session, "http://127.0.0.1:9/x.jpg", Throttle(0))


def test_run_until_keeps_what_is_wanted_and_fetches_nothing_for_nothing():
    lock, in_flight, peaks, taken = threading.Lock(), set(), [], []

    def work(item):
        with lock:
            in_flight.add(item)
            peaks.append(len(in_flight))
        time.sleep(0.01)
        with lock:
            in_flight.remove(item)
        return item

    items = (taken.append(item) or item for item in range(100))
    assert run_until(work, items, 4, lambda item: item % 3 == 0, workers=8) == 4
    assert max(peaks) <= 4
    assert taken == list(range(10))  # up to the fourth multiple of 3 and no further


@needs_chromium
def test_the_service_reports_progress_and_returns_a_summary(site, tmp_path):
    from classifier.collecting import collect

    events = []
    summary = collect(
        tmp_path / "art",
        "art",
        [f"{site.url}/gallery.html"],
        count=4,
        engine="gallery",
        progress=lambda *event: events.append(event),
    )
    assert events == [("collect", kept, 4) for kept in range(4)]
    assert (summary.had, summary.kept, summary.has, summary.outcome) == (0, 3, 3, "short")
    assert summary.lines()[-1].startswith("'art' has 3 of 4 images")
    assert saved(tmp_path / "art", "art") == sorted(
        row["file"][4:] for row in manifest.read(tmp_path / "art")
    )


def test_the_service_and_the_studio_share_one_class_name_rule(tmp_path):
    from classifier import datasets
    from classifier.collecting import CollectError, collect

    with pytest.raises(CollectError, match="must be a folder name") as caught:
        collect(tmp_path, "../up", ["x"])
    assert caught.value.option == "class"
    with pytest.raises(datasets.DatasetError, match="cannot be a class name"):
        datasets.check_class_name("../up", [])
    assert not any(tmp_path.iterdir())
