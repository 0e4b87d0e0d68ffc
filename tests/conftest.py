"""Fixtures shared by the whole suite."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1 answering what a test sets per path (with query string)."""

    url: str
    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)

    def route(self, path, body=b"", status=200, content_type="application/json", delay=0.0):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body, status, content_type, delay)


@pytest.fixture
def local_server():
    holder = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            server = holder["server"]
            server.requests.append(self.path)
            route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
            if route is None:
                route = Route(b"not found", 404, "text/plain")
            time.sleep(route.delay)
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
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
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield holder["server"]
    httpd.shutdown()
    httpd.server_close()
