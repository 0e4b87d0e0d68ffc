"""Settings for the test suite: production settings with a throwaway key and data dir."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("HEROPROJECT_DATA_DIR", tempfile.mkdtemp(prefix="heroproject-test-"))

from heroproject.settings import *  # noqa: F403

STATIC_ROOT = DATA_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# No test reaches the internet: providers point at a closed local port unless a test says otherwise,
# and pages start no background refill unless a test turns it on.
for provider in QUOTES_PROVIDERS:  # noqa: F405
    if "base_url" in provider["OPTIONS"]:
        provider["OPTIONS"]["base_url"] = "http://127.0.0.1:9"
QUOTES_AUTO_REFILL = False

# No rate limits unless a test turns one on (tests/classifier/test_rate_limit.py): the suite posts
# far more than a visitor would.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "")  # noqa: F405
