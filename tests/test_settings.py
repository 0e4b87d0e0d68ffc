import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="heroproject.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def run_manage(*args, **env):
    return run_python("manage.py", *args, **env)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="a-long-production-secret-" + "x7Qp" * 12,
        DJANGO_ALLOWED_HOSTS="heroes.example.org",
        HEROPROJECT_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", HEROPROJECT_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_debug_generates_a_development_key(tmp_path):
    result = run_manage("check", DJANGO_DEBUG="1", HEROPROJECT_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_settings_import_nothing_from_the_project(tmp_path):
    """Settings are read before the apps are loaded, so they must not need the project's code."""
    project = {"heroproject", "classifier", "namegen", "quotes", "management", "mlcore"}
    code = (
        "import sys, heroproject.settings\n"
        f"print(*sorted(m for m in sys.modules if m.split('.')[0] in {project}))"
    )
    result = run_python("-c", code, DJANGO_DEBUG="1", HEROPROJECT_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["heroproject", "heroproject.settings"]


def test_a_bad_rate_stops_the_site_at_startup(tmp_path):
    result = run_python(
        "-c",
        "import heroproject.wsgi",  # what gunicorn loads: it builds the middleware
        DJANGO_DEBUG="1",
        HEROPROJECT_DATA_DIR=str(tmp_path),
        RATELIMIT_WRITES="lots",
    )
    assert result.returncode != 0
    assert "RATELIMIT_WRITES: 'lots' is not a rate: use COUNT/PERIOD such as 20/m" in result.stderr
