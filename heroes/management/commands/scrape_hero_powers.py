from dataclasses import fields
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heroes import services
from mlcore.scraping import superherodb
from mlcore.training.progress import ProgressBars


class Command(BaseCommand):
    help = (
        "Refresh the superhero-set from SuperHeroDb's public pages: every character's powers and "
        "details, politely (a User-Agent, a pause between requests, retries, robots.txt), saved "
        "as it goes so that a second run resumes; then the two CSV files, imported unless "
        "--no-import."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default=superherodb.BASE_URL, help="the site (for tests, a copy)"
        )
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
        bars = ProgressBars()
        try:
            how = superherodb.Crawl(**{f.name: options[f.name] for f in fields(superherodb.Crawl)})
            crawled = superherodb.crawl(out, how, progress=bars, say=self.stdout.write)
        except KeyboardInterrupt:
            raise CommandError(superherodb.stopped(out, "interrupted")) from None
        except (superherodb.CrawlStopped, superherodb.LayoutError) as error:
            raise CommandError(str(error)) from None
        finally:
            bars.close()
        if crawled.missing or options["no_import"]:
            return
        try:
            report = services.import_tables(crawled.powers_path, crawled.details_path)
        except services.HeroImportError as error:
            raise CommandError(
                f"{error} The site's heroes are left as they were; `import_hero_powers "
                f"{crawled.powers_path} {crawled.details_path}` imports the CSVs."
            ) from None
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {report.clustering.hero_count} heroes into the site.")
        )
