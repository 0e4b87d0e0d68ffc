"""The real site under gunicorn on 127.0.0.1, on a fresh data directory, for end-to-end tests.

Each site gets its own database (SQLite unless `env` names another; DATABASE_URL and REDIS_URL are
not inherited from the environment), cache, uploads and models, the tiny models trained once per
session, and quote providers pointing at a closed port unless a test points them somewhere else.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CLOSED_PORT_URL = "http://127.0.0.1:9"
SHARED_STATE_VARIABLES = {"DATABASE_URL", "REDIS_URL"}  # not inherited: pass them in env

REGISTER_SHAPES = """
from classifier.models import ImageClassifier, ModelVersion
from heroproject.versions import make_active
c = ImageClassifier.objects.create(slug="shapes", title="Shapes", description="Coloured shapes.")
make_active(ModelVersion.objects.create(
    classifier=c, number=1, backbone={backbone!r}, input_size={input_size},
    labels={labels!r}, metrics={metrics!r}, dataset_summary={summary!r},
    directory="classifiers/shapes/v1", training_seconds=1,
))
"""
REGISTER_NAMES = """
from heroproject.versions import make_active
from namegen.models import NameModelVersion
make_active(NameModelVersion.objects.create(
    number=1, directory="namegen/v1", units=32, train_size=200, val_nll=2.5,
    bigram_val_nll=2.7, training_seconds=1,
))
"""


@contextmanager
def fresh_database(server, prefix="heroproject_test_"):
    """A new database on the PostgreSQL server of the URL server; yields its URL, and drops it
    afterwards (the URL's user must be allowed to create databases)."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {seconds} s")


@dataclass
class LiveSite:
    url: str
    env: dict
    data_dir: Path
    process: subprocess.Popen | None = None
    helpers: list = field(default_factory=list)  # long-lived manage.py commands (spawn)
    python: str = sys.executable  # another virtualenv's python runs the site with its packages

    @classmethod
    def prepare(
        cls, data_dir, *, shapes=None, names_dir=None, static_root=None, env=None, python=None
    ):
        """A migrated data directory with the given models registered and active."""
        data_dir.mkdir(parents=True, exist_ok=True)
        site_env = {
            # Whatever the environment says, each site has its own database and cache.
            **{k: v for k, v in os.environ.items() if k not in SHARED_STATE_VARIABLES},
            "DJANGO_SETTINGS_MODULE": "heroproject.settings",
            "DJANGO_SECRET_KEY": "live-site-test-key-" + "x" * 40,
            "DJANGO_HTTPS": "0",
            "HEROPROJECT_DATA_DIR": str(data_dir),
            "ZENQUOTES_URL": CLOSED_PORT_URL,
            "QUOTABLE_URL": CLOSED_PORT_URL,
            "QUOTES_AUTO_REFILL": "0",
            "RATELIMIT_CLASSIFY": "0",  # end-to-end tests post more than a visitor
            "RATELIMIT_NAMES": "0",
            "RATELIMIT_WRITES": "0",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
            **({"DJANGO_STATIC_ROOT": str(static_root)} if static_root else {}),
            **(env or {}),
        }
        site = cls(url="", env=site_env, data_dir=data_dir, python=python or sys.executable)
        site.manage("migrate", "-v0")
        site.manage("createcachetable")
        site.manage("refresh_quotes")
        if shapes is not None:
            result, directory = shapes
            shutil.copytree(directory, data_dir / "models/classifiers/shapes/v1")
            site.shell(
                REGISTER_SHAPES.format(
                    backbone=result.backbone,
                    input_size=result.input_size,
                    labels=result.labels,
                    metrics=result.metrics,
                    summary=result.dataset.summary(),
                )
            )
        if names_dir is not None:
            shutil.copytree(names_dir, data_dir / "models/namegen/v1")
            site.shell(REGISTER_NAMES)
        return site

    def manage(self, *args, check=True):
        """Runs manage.py against this site's data; returns its standard output."""
        completed = subprocess.run(
            [self.python, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if check and completed.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{completed.stderr}")
        return completed.stdout

    def shell(self, code):
        """Runs Python in `manage.py shell`; returns the last line it printed."""
        lines = self.manage("shell", "-c", code).strip().splitlines()
        return lines[-1] if lines else ""

    def spawn(self, *args):
        """Starts a long-lived manage.py command (a task worker) against this site's data, logging
        to data_dir/manage-ARGS[0].log; it stops with the site."""
        log = (self.data_dir / f"manage-{args[0]}.log").open("ab")
        process = subprocess.Popen(
            [self.python, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.helpers.append(process)
        return process

    def start(self):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = (self.data_dir / "gunicorn.log").open("ab")
        command = [self.python, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
        self.process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}", "heroproject.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for_port(port, self.process)
        return self

    def stop(self):
        for process in [*self.helpers, self.process]:
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def log(self):
        path = self.data_dir / "gunicorn.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, lines=40):
        """The end of the gunicorn log, for assertion messages."""
        return "gunicorn log (tail):\n" + "\n".join(self.log().splitlines()[-lines:])
