#!/usr/bin/env bash
# Installs heroproject into ./.venv, prepares the site (database, quotes, models) and serves it
# with gunicorn on http://127.0.0.1:8000 (set GUNICORN_BIND to change), beside one task worker.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install.sh

export DJANGO_SETTINGS_MODULE=heroproject.settings
export DJANGO_HTTPS=${DJANGO_HTTPS:-0}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  mkdir -p data
  if [ ! -s data/secret_key ]; then
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > data/secret_key)
  fi
  DJANGO_SECRET_KEY=$(cat data/secret_key)
  export DJANGO_SECRET_KEY
fi

.venv/bin/python manage.py bootstrap
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
# One task worker beside the web server: it runs the studio's trainings (TensorFlow stays out of
# the web workers). Both stop together.
.venv/bin/python manage.py db_worker --no-reload --interval 2 &
worker=$!
trap 'kill "$worker" 2>/dev/null' EXIT
echo "Serving heroproject on http://$GUNICORN_BIND/ (task worker pid $worker)"
.venv/bin/gunicorn --config gunicorn.conf.py heroproject.wsgi
