"""gunicorn settings; each can be overridden by the environment variable named beside it."""

import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Two cores: two worker processes, each with a few threads for requests that wait on I/O.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Load the application once in the master, so workers fork with the code already imported
# (safe: the site opens no database connection or model at import time).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
