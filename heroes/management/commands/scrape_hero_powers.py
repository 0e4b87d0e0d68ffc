import json
import os
import time
import urllib.robotparser
from dataclasses import asdict
from pathlib import Path

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heroes import services
from mlcore.scraping.http import USER_AGENT, FetchError, fetch_text, make_session
from mlcore.scraping.superherodb import (
    BASE_URL,
    LIST_PATH,
    Character,
    LayoutError,
    append_done,
    looks_like_a_challenge,
    parse_characters,
    parse_hero,
    parse_powers,
    powers_url,
    read_done,
    write_tables,
)

POWERS_FILE = "super_hero_powers.csv"
DETAILS_FILE = "heroes_information.csv"
LIST_FILE = "characters.json"
DONE_FILE = "heroes.jsonl"
# Fewer heroes with powers than this share means the powers pages are not read right.
MIN_WITH_POWERS = 0.5


class Polite:
    """GETs through one retrying session, a pause between requests, and robots.txt obeyed."""

    def __init__(self, base_url, delay, timeout, retries, backoff, stdout):
        self.session = make_session(retries=retries, backoff=backoff)
        self.delay, self.timeout = delay, timeout
        self.last = None
        self.robots = self.read_robots(base_url, stdout)
        crawl_delay = self.robots.crawl_delay(USER_AGENT) if self.robots else None
        if crawl_delay and float(crawl_delay) > self.delay:
            stdout.write(
                f"robots.txt asks for {crawl_delay} s between requests: waiting that long."
            )
            self.delay = float(crawl_delay)

    def read_robots(self, base_url, stdout):
        url = base_url.rstrip("/") + "/robots.txt"
        try:
            response = self.session.get(url, timeout=self.timeout)
        except requests.RequestException:
            stdout.write(f"No robots.txt at {url} (no answer): going on.")
            return None
        finally:
            self.last = time.monotonic()
        if response.status_code != 200:
            return None
        robots = urllib.robotparser.RobotFileParser(url)
        robots.parse(response.text.splitlines())
        return robots

    def get(self, url):
        if self.robots is not None and not self.robots.can_fetch(USER_AGENT, url):
            raise FetchError(f"robots.txt does not allow {url}")
        if self.last is not None:
            time.sleep(max(0.0, self.delay - (time.monotonic() - self.last)))
        try:
            html = fetch_text(self.session, url, timeout=self.timeout)
        except FetchError as error:
            if "HTTP 403" in str(error) or "HTTP 503" in str(error):
                raise FetchError(
                    f"{error} (the site may be behind a bot check that a script cannot pass)"
                ) from None
            raise
        finally:
            self.last = time.monotonic()
        if looks_like_a_challenge(html):
            raise FetchError(f"{url} answered with a bot check instead of the page")
        return html


class Command(BaseCommand):
    help = (
        "Refresh the superhero-set from SuperHeroDb's public pages: every character's powers and "
        "details, politely (a User-Agent, a pause between requests, retries, robots.txt), saved "
        "as it goes so that a second run resumes; then the two CSV files, imported unless "
        "--no-import."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=BASE_URL, help="the site (for tests, a copy)")
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="where progress and the CSVs go (default: DATA_DIR/superhero_powers)",
        )
        parser.add_argument("--delay", type=float, default=1.0, help="seconds between requests")
        parser.add_argument(
            "--timeout", type=float, default=20, help="seconds to wait to connect and for a page"
        )
        parser.add_argument("--retries", type=int, default=3, help="retries on 429, 5xx, timeouts")
        parser.add_argument(
            "--backoff", type=float, default=0.5, help="retries wait 0, 2, 4... times this (s)"
        )
        parser.add_argument("--max-pages", type=int, default=200, help="list pages to read at most")
        parser.add_argument(
            "--limit", type=int, default=None, help="heroes to fetch in this run at most"
        )
        parser.add_argument(
            "--refresh-list", action="store_true", help="read the list of characters again"
        )
        parser.add_argument(
            "--no-import", action="store_true", help="write the CSVs but leave the site's heroes"
        )

    def handle(self, *args, **options):
        out = options["out"] or settings.DATA_DIR / "superhero_powers"
        out.mkdir(parents=True, exist_ok=True)
        base_url = options["base_url"].rstrip("/")
        done_path = out / DONE_FILE
        try:
            web = Polite(
                base_url,
                options["delay"],
                options["timeout"],
                options["retries"],
                options["backoff"],
                self.stdout,
            )
            characters = self.characters(web, base_url, out, options)
            done = read_done(done_path)
            if done:
                self.stdout.write(f"Resuming: {len(done)} heroes already saved in {done_path}.")
            todo = [c for c in characters if c.url not in done]
            if options["limit"] is not None:
                todo = todo[: options["limit"]]
            for number, character in enumerate(todo, start=1):
                hero = parse_hero(web.get(character.url), character.url)
                hero.powers = parse_powers(web.get(powers_url(character.url)))
                append_done(done_path, hero)
                done[character.url] = hero
                if number % 25 == 0 or number == len(todo):
                    self.stdout.write(f"  {len(done)} of {len(characters)} heroes saved")
        except KeyboardInterrupt:
            raise CommandError(self.stopped(done_path, "interrupted")) from None
        except (FetchError, LayoutError, OSError) as error:
            raise CommandError(self.stopped(done_path, str(error))) from None
        missing = [c for c in characters if c.url not in done]
        if missing:
            self.stdout.write(
                f"{len(missing)} of {len(characters)} heroes still to fetch: run again to go on. "
                "The CSVs are written once every hero is saved."
            )
            return
        self.finish(characters, done, out, options)

    def characters(self, web, base_url, out, options):
        """The list of characters, read once and kept in LIST_FILE."""
        path = out / LIST_FILE
        if path.exists() and not options["refresh_list"]:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("base_url") == base_url:
                return [Character(**c) for c in saved["characters"]]
        found = {}
        for page in range(1, options["max_pages"] + 1):
            url = base_url + LIST_PATH.format(page=page)
            try:
                html = web.get(url)
            except FetchError as error:
                if page > 1 and "HTTP 404" in str(error):
                    break  # past the last page
                raise
            new = [c for c in parse_characters(html, url) if c.url not in found]
            if not new:
                break
            found.update((c.url, c) for c in new)
            self.stdout.write(f"List page {page}: {len(new)} characters ({len(found)} in all).")
        if not found:
            raise LayoutError(
                f"{base_url + LIST_PATH.format(page=1)} links to no hero page: the layout is "
                "not the one the parser knows"
            )
        characters = list(found.values())
        record = {"base_url": base_url, "characters": [asdict(c) for c in characters]}
        staging = path.with_suffix(".new")
        staging.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(staging, path)
        return characters

    def stopped(self, done_path, reason):
        saved = len(read_done(done_path))
        return f"{reason}; {saved} heroes are saved in {done_path}: run again to resume."

    def finish(self, characters, done, out, options):
        with_powers = sum(1 for c in characters if done[c.url].powers)
        if with_powers < MIN_WITH_POWERS * len(characters):
            raise CommandError(
                f"only {with_powers} of {len(characters)} heroes have powers: the powers pages' "
                "layout is probably not the one the parser knows. The CSVs are not written."
            )
        powers_path, details_path = out / POWERS_FILE, out / DETAILS_FILE
        write_tables(characters, done, powers_path, details_path)
        self.stdout.write(
            f"Wrote {len(characters)} heroes ({with_powers} with powers) to {powers_path} and "
            f"{details_path}."
        )
        if options["no_import"]:
            return
        try:
            report = services.import_tables(powers_path, details_path)
        except services.HeroImportError as error:
            raise CommandError(
                f"{error} The site's heroes are left as they were; `import_hero_powers "
                f"{powers_path} {details_path}` imports the CSVs."
            ) from None
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {report.clustering.hero_count} heroes into the site.")
        )
