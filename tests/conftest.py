"""Fixtures shared by the whole suite."""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from tests.live_site import LiveSite
from tests.pictures import draw_shapes


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


NOT_FOUND = Route(b"not found", 404, "text/plain")


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1 answering what a test sets per path (with query string)."""

    url: str
    routes: dict = field(default_factory=dict)
    queued: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    request_headers: list = field(default_factory=list)

    def route(
        self,
        path,
        body=b"",
        status=200,
        content_type="application/json",
        delay=0.0,
        headers=None,
        times=None,
    ):
        """Answer requests for path; with times=n only the next n, before its standing answer."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        route = Route(body, status, content_type, delay, headers or {})
        if times is None:
            self.routes[path] = route
        else:
            self.queued.setdefault(path, []).extend([route] * times)

    def answer(self, path):
        for key in (path, path.split("?")[0]):
            if self.queued.get(key):
                return self.queued[key].pop(0)
            if key in self.routes:
                return self.routes[key]
        return NOT_FOUND


@pytest.fixture
def local_server():
    holder = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            server = holder["server"]
            server.requests.append(self.path)
            server.request_headers.append(dict(self.headers))
            route = server.answer(self.path)
            time.sleep(route.delay)
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    holder["server"] = LocalServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield holder["server"]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def shapes_dir(tmp_path_factory):
    return draw_shapes(tmp_path_factory.mktemp("shapes"))


LITE0 = "efficientnet_lite0"  # the quickest pretrained backbone, for tests about anything else


@pytest.fixture(scope="session")
def trained_shapes(shapes_dir):
    """A small EfficientNet-Lite0 head trained once for the session, saved under MODELS_DIR."""
    from mlcore.training import classifier_store, datasets, trainer

    dataset = datasets.scan(shapes_dir, seed=0)
    result = trainer.train(
        dataset, LITE0, input_size=96, epochs=15, fine_tune=0, augment_copies=1, seed=0
    )
    directory = classifier_store.save(result, settings.MODELS_DIR / "classifiers/shapes/test")
    return result, directory


@pytest.fixture(scope="session")
def trained_names_model():
    """A tiny GRU trained once for the session on the first 200 bundled names."""
    from mlcore.names import gru
    from mlcore.names.store import save
    from namegen.namelist import BUNDLED_NAMES, read_names

    model = gru.train(read_names(BUNDLED_NAMES)[:200], units=32, epochs=3, seed=1)
    save(model, settings.MODELS_DIR / "namegen" / "test")
    return model


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The site's static files collected once, as `run.sh` does, for sites under gunicorn."""
    root = tmp_path_factory.mktemp("static")
    LiveSite.prepare(root / "data", static_root=root / "files").manage(
        "collectstatic", "--noinput", "-v0"
    )
    return root / "files"


@contextmanager
def site_starter(root, trained_shapes, collected_static):
    """A function starting sites in folders under root; they all stop when the block ends."""
    sites = []

    def start(env=None, models=True):
        site = LiveSite.prepare(
            root / f"site{len(sites)}",
            shapes=trained_shapes if models else None,
            names_dir=settings.MODELS_DIR / "namegen" / "test" if models else None,
            static_root=collected_static,
            env=env,
        )
        sites.append(site)
        return site.start()

    try:
        yield start
    finally:
        for site in sites:
            site.stop()


@pytest.fixture
def start_site(tmp_path, trained_shapes, trained_names_model, collected_static):
    """Starts the real site under gunicorn with the tiny shapes classifier and name generator.

    Keyword arguments: env (extra environment variables) and models=False for a site without them.
    """
    with site_starter(tmp_path, trained_shapes, collected_static) as start:
        yield start


@pytest.fixture(scope="module")
def start_module_site(tmp_path_factory, trained_shapes, trained_names_model, collected_static):
    """start_site for sites that all the tests of a module share."""
    with site_starter(tmp_path_factory.mktemp("sites"), trained_shapes, collected_static) as start:
        yield start


@pytest.fixture
def datasets_dir(settings, tmp_path):
    """Datasets and uploads in the test's own folder."""
    settings.DATASETS_DIR = tmp_path / "datasets"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.DATASETS_DIR


@pytest.fixture
def shapes_classifier(db, trained_shapes):
    """The "shapes" classifier with the session's trained model as its active version."""
    from classifier.models import ImageClassifier
    from tests.factories import make_version

    classifier = ImageClassifier.objects.create(slug="shapes", title="Shapes")
    make_version(classifier, trained_shapes[0])
    return classifier


@pytest.fixture
def name_model(db, trained_names_model):
    """The session's trained name model as the active name generator version."""
    from tests.factories import make_name_version

    return make_name_version(trained_names_model)
