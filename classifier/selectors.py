"""Reading classifiers and their versions the way the pages and the admin show them, and the
prediction history the admin lists: pages without a full count, dates from index probes."""

import calendar
import datetime
import json
from functools import cached_property

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, FloatField, Prefetch
from django.db.models.functions import Cast, NullIf
from django.utils import formats, timezone
from django.utils.text import capfirst

from mlcore.storage.model_files import HISTORY

from .models import ImageClassifier, ModelVersion


def in_service():
    """The classifiers visitors can use: those with an active version."""
    return ImageClassifier.objects.filter(versions__active=True)


def active_version(classifier):
    """The classifier's active version (its classifier attribute is the same row), or None."""
    version = classifier.versions.filter(active=True).first()
    if version is not None:
        version.classifier = classifier
    return version


def with_active_version(classifiers):
    """classifiers, each with `active_versions`: a list of its active version, or empty."""
    return classifiers.prefetch_related(
        Prefetch(
            "versions", queryset=ModelVersion.objects.filter(active=True), to_attr="active_versions"
        )
    )


def with_feedback(versions):
    """versions, each with `feedback_count` (visitors' verdicts) and `feedback_accuracy` (the
    share that said "right"; None without verdicts), in the same query.

    Both come from the counters each version keeps (feedback.give_feedback), not from its
    predictions: the cost stays the same however long the history grows.
    """
    return versions.annotate(
        feedback_accuracy=Cast(F("feedback_right"), FloatField())
        / Cast(NullIf(F("feedback_count"), 0), FloatField()),
    )


def training_history(version):
    """The version's saved history (one entry per training phase), or None when not stored."""
    try:
        return json.loads((version.path / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class HistoryPaginator(Paginator):
    """Pages of a long history without counting it: the whole table's size is estimated (from
    PostgreSQL's statistics, or SQLite's id range) once it passes ESTIMATE_ABOVE rows, and a page
    reads its ids from an index first, then only its own rows (a deep page skips index entries,
    not rows). Filtered and searched lists are counted over their indexes up to COUNT_AT_MOST
    rows ("more than 10,000"): a count never reads more of the table than that."""

    ESTIMATE_ABOVE = 50_000
    COUNT_AT_MOST = 10_000
    estimated = False
    capped = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if not queryset.query.where:
            estimate = self.table_estimate(queryset)
            if estimate > self.ESTIMATE_ABOVE:
                self.estimated = True
                return estimate
        counted = queryset.order_by()[: self.COUNT_AT_MOST + 1].count()
        if counted > self.COUNT_AT_MOST:
            self.capped = True
            return self.COUNT_AT_MOST
        return counted

    @staticmethod
    def table_estimate(queryset):
        connection = connections[queryset.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            return int(row[0]) if row else 0
        # two queries: SQLite reads min() or max() off the index only when it is alone
        ids = queryset.model.objects.order_by("pk").values_list("pk", flat=True)
        first, last = ids.first(), ids.last()
        return last - first + 1 if first is not None else 0

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


def month_start(year, month):
    return timezone.make_aware(datetime.datetime(year, month, 1))


class IndexedDateHierarchy(ChangeList):
    """The admin's list with a date drill-down that probes the index on created (one EXISTS per
    year, month or day shown) instead of truncating every row's date."""

    @cached_property
    def indexed_date_hierarchy(self):
        field = self.date_hierarchy
        names = [f"{field}__year", f"{field}__month", f"{field}__day"]
        year, month, day = (self.params.get(name) for name in names)
        year, month, day = (
            int(v[-1] if isinstance(v, list) else v) if v else None for v in (year, month, day)
        )
        queryset = self.queryset.order_by()

        def link(filters):
            return self.get_query_string(filters, [f"{field}__"])

        def exists(start, end):
            # the probe's range first: SQLite seeks the index with the first bounds it meets
            probe = self.model._default_manager.filter(
                **{f"{field}__gte": start, f"{field}__lt": end}
            )
            return (probe & queryset).exists()

        if not (year or month or day):
            dates = queryset.order_by(field).values_list(field, flat=True)
            first, last = dates.first(), dates.last()
            if first is None:
                return {"show": True, "back": None, "choices": []}
            first, last = timezone.localtime(first), timezone.localtime(last)
            if first.year == last.year:
                year = first.year
                if first.month == last.month:
                    month = first.month
            else:
                years = [
                    y
                    for y in range(first.year, last.year + 1)
                    if exists(month_start(y, 1), month_start(y + 1, 1))
                ]
                choices = [{"link": link({names[0]: str(y)}), "title": str(y)} for y in years]
                return {"show": True, "back": None, "choices": choices}
        if year and month and day:
            date = datetime.date(year, month, day)
            return {
                "show": True,
                "back": {
                    "link": link({names[0]: year, names[1]: month}),
                    "title": capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT")),
                },
                "choices": [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}],
            }
        if year and month:
            choices = []
            for d in range(1, calendar.monthrange(year, month)[1] + 1):
                start = timezone.make_aware(datetime.datetime(year, month, d))
                if exists(start, start + datetime.timedelta(days=1)):
                    date = datetime.date(year, month, d)
                    choices.append(
                        {
                            "link": link({names[0]: year, names[1]: month, names[2]: d}),
                            "title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT")),
                        }
                    )
            return {
                "show": True,
                "back": {"link": link({names[0]: year}), "title": str(year)},
                "choices": choices,
            }
        choices = [
            {
                "link": link({names[0]: year, names[1]: m}),
                "title": capfirst(
                    formats.date_format(datetime.date(year, m, 1), "YEAR_MONTH_FORMAT")
                ),
            }
            for m in range(1, 13)
            if exists(month_start(year, m), month_start(year + m // 12, m % 12 + 1))
        ]
        return {"show": True, "back": {"link": link({}), "title": "All dates"}, "choices": choices}
