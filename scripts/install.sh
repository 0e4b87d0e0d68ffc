#!/usr/bin/env bash
# Installs what heroproject needs into ./.venv: `scripts/install.sh` for the site and its training,
# `scripts/install.sh dev` for the tests too, `scripts/install.sh web` for a web server alone
# (no TensorFlow: models come as bundles, trainings run on a worker elsewhere). Idempotent:
# unchanged requirements install nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  dev) requirements=requirements-dev.txt ;;
  web) requirements=requirements.txt ;;
  *) requirements=requirements-train.txt ;;
esac

# Chromium and its driver drive the image scraper, the browser tests and the chart generator's
# JavaScript engines; fonts-liberation gives the chart generator more than matplotlib's own fonts;
# libcairo2 rasterises pygal's SVG charts; redis-server is the cache the site uses with REDIS_URL
# (the tests start their own on a free port). Installed when missing and run as root.
debian_packages=(chromium chromium-driver fonts-liberation libcairo2 redis-server)
[ "$requirements" = requirements.txt ] && debian_packages=()
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Note: install ${missing[*]} (apt-get install ${missing[*]}) for the image scraper," \
      "the browser tests and the Redis tests; those tests are skipped without them." >&2
  fi
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "heroproject needs Python 3.11 (found $("$python" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtualenv in .venv"
  "$python" -m venv .venv
fi

stamp=.venv/.installed-$requirements
wanted=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing Python packages from $requirements"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  echo "$wanted" > "$stamp"
fi

# Chart.js and Apache ECharts, two of the engines the chart classifier's training charts are drawn
# with (in headless Chromium), pinned by mlcore/charts/js/package-lock.json; for the tests also
# axe-core, which the browser tests inject into every page they check, pinned by
# tests/e2e/axe/package-lock.json.
npm_folders=()
case "$requirements" in
  requirements.txt) ;;  # a web server draws no charts
  requirements-dev.txt) npm_folders=(mlcore/charts/js tests/e2e/axe) ;;
  *) npm_folders=(mlcore/charts/js) ;;
esac
for folder in "${npm_folders[@]}"; do
  if ! command -v npm >/dev/null; then
    echo "Note: without npm the chart generator skips its Chart.js and ECharts engines" \
      "and the browser tests skip their accessibility checks." >&2
    break
  fi
  if ! cmp -s "$folder/package-lock.json" "$folder/node_modules/.installed-lock"; then
    echo "Installing the JavaScript packages of $folder"
    npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error >/dev/null
    cp "$folder/package-lock.json" "$folder/node_modules/.installed-lock"
  fi
done
