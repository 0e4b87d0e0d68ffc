"""Lighthouse 12 scores of the visitor pages on a phone and a desktop, and what keeps any below 100.

    npm ci --prefix bench/lighthouse          # Lighthouse, pinned (bench/lighthouse/package.json)
    python -m bench.lighthouse http://127.0.0.1:8000

Runs offline with Debian's Chromium (CHROME_PATH, /usr/bin/chromium by default) against a site
already serving (./run.sh). Not part of the test suite.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

LIGHTHOUSE = Path(__file__).resolve().parent / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = ["/", "/names/", "/heroes/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage"


def audit(url, desktop):
    """({category: score}, [lines naming the audits that cost points]) of one page."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        *(["--preset=desktop"] if desktop else []),
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    report = json.loads(
        subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    )
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    lost = [
        f"{name}: {report['audits'][ref['id']]['title']}"
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref["weight"]
        and (report["audits"][ref["id"]]["score"] or 0) < 1
        and report["audits"][ref["id"]]["scoreDisplayMode"] not in ("notApplicable", "manual")
    ]
    return scores, lost


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--page", action="append", help="a path (default: / /names/ /heroes/)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed: npm ci --prefix {LIGHTHOUSE.parents[2]}")
    print(f"{'page':<12}{'device':<9}" + "".join(f"{name:>16}" for name in CATEGORIES))
    for path in args.page or PAGES:
        for device in ("mobile", "desktop"):
            scores, lost = audit(args.url.rstrip("/") + path, device == "desktop")
            print(f"{path:<12}{device:<9}" + "".join(f"{scores[n]:>16}" for n in CATEGORIES))
            for line in lost:
                print(f"    {line}")


if __name__ == "__main__":
    main()
