import re

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from heroproject.admin_actions import VERSION_ACTIONS

from . import datasets, exports, real_world, selectors
from .models import NONE_OF_THESE, ImageClassifier, ModelVersion, Prediction
from .templatetags.classifier import bar_width, cross_validated, percent


def plots(version):
    """The version's confusion matrix and curves, drawn as on the model page."""
    if version is None:
        return "-"
    history = selectors.training_history(version)
    context = {"version": version, "history": history}
    return render_to_string("classifier/_version_figures.html", context)


def percent_or_dash(value):
    return "-" if value is None else percent(value)


@admin.register(ImageClassifier)
class ImageClassifierAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/figures.css"]}

    list_display = ["title", "slug", "active_version", "test_accuracy"]
    search_fields = ["title", "slug"]
    readonly_fields = ["active_version", "review_queue", "active_plots", "created"]
    fields = [
        "slug",
        "title",
        "description",
        "unsure_threshold",
        "review_adds_to_dataset",
        "active_version",
        "review_queue",
        "active_plots",
    ]

    def get_queryset(self, request):
        return selectors.with_active_version(super().get_queryset(request))

    @staticmethod
    def active(classifier):
        return classifier.active_versions[0] if classifier.active_versions else None

    @admin.display(description="active version")
    def active_version(self, classifier):
        version = self.active(classifier)
        if version is None:
            return "-"
        return format_html(
            '<a href="{}">v{}</a>',
            reverse("admin:classifier_modelversion_change", args=[version.pk]),
            version.number,
        )

    @admin.display(description="test accuracy")
    def test_accuracy(self, classifier):
        version = self.active(classifier)
        return percent_or_dash(version and version.test_accuracy)

    @admin.display(description="review")
    def review_queue(self, classifier):
        if classifier.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Review {}\'s uploads</a>',
            reverse("studio:review", args=[classifier.slug]),
            classifier.title,
        )

    @admin.display(description="plots of the active version")
    def active_plots(self, classifier):
        return plots(self.active(classifier))


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/figures.css"]}

    list_display = [
        "__str__",
        "created",
        "backbone",
        "test_accuracy_shown",
        "cv_accuracy_shown",
        "real_world_shown",
        "feedback_accuracy_shown",
        "active",
        "activated",
    ]
    list_filter = ["classifier", "active", "backbone"]
    list_select_related = ["classifier"]
    readonly_fields = [
        "classifier",
        "number",
        "active",
        "activated",
        "backbone",
        "input_size",
        "labels",
        "directory",
        "training_seconds",
        "created",
        "test_accuracy_shown",
        "cv_accuracy_shown",
        "real_world_shown",
        "feedback_accuracy_shown",
        "per_class",
        "version_plots",
        "dataset_summary",
        "metrics",
        "cross_validation",
    ]
    actions = VERSION_ACTIONS

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        versions = selectors.with_feedback(super().get_queryset(request))
        return versions.prefetch_related(real_world.LABELLED_UPLOADS)

    @admin.display(description="test accuracy")
    def test_accuracy_shown(self, version):
        return percent_or_dash(version.test_accuracy)

    @admin.display(description="cross-validated accuracy")
    def cv_accuracy_shown(self, version):
        return cross_validated(version.cross_validation) or "-"

    @admin.display(description="real-world accuracy")
    def real_world_shown(self, version):
        figures = real_world.own_answers(version)
        if figures is None:
            return "-"
        shown = (
            f"{percent(figures['accuracy'])} of {figures['count']} labelled uploads "
            f"({percent(figures['low'])} to {percent(figures['high'])})"
        )
        return f"{shown}: clearly below the test split" if figures["below_test"] else shown

    @admin.display(description="visitors say right")
    def feedback_accuracy_shown(self, version):
        if version.feedback_accuracy is None:
            return "-"
        return f"{percent(version.feedback_accuracy)} of {version.feedback_count}"

    @admin.display(description="per class (test split)")
    def per_class(self, version):
        rows = version.metrics.get("classes", [])
        return format_html(
            "<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th>"
            "<th>support</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{:.3f}</td><td>{:.3f}</td><td>{:.3f}</td><td>{}</td></tr>",
                ((r["label"], r["precision"], r["recall"], r["f1"], r["support"]) for r in rows),
            ),
        )

    @admin.display(description="plots")
    def version_plots(self, version):
        return plots(version)


class KnownLabelsFilter(admin.AllValuesFieldListFilter):
    """The label filter's choices are the classes of the versions, not a scan of every row."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = sorted(
            {
                label
                for labels in ModelVersion.objects.values_list("labels", flat=True)
                for label in labels
            }
        )


SHA256_PREFIX = re.compile(r"[0-9a-f]{8,64}")


def label_choices(labels):
    return [(label, label) for label in labels] + [(NONE_OF_THESE, "None of these")]


class TrueLabelForm(forms.Form):
    true_label = forms.ChoiceField(label="True label")


class PredictionForm(forms.ModelForm):
    """The true label is chosen from the classes of the version that made the prediction."""

    class Meta:
        model = Prediction
        fields = ["true_label", "reviewed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = self.instance.version.labels if self.instance.version_id else []
        self.fields["true_label"] = forms.ChoiceField(
            label="True label",
            choices=[("", "Not labelled"), *label_choices(labels)],
            required=False,
            help_text="A class of the model, or “None of these” (kept out of the dataset).",
        )


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    form = PredictionForm
    list_display = [
        "prediction_link",
        "thumbnail_image",
        "label",
        "probability_shown",
        "verdict",
        "created",
    ]
    list_display_links = None
    list_filter = [
        "classifier",
        "version",
        ("label", KnownLabelsFilter),
        "unsure",
        "feedback",
        "reviewed",
        "image_lost",
        ("created", admin.DateFieldListFilter),
    ]
    # Searched through indexes only (get_search_results): never a LIKE over the history.
    search_fields = ["label", "feedback_label", "true_label", "sha256"]
    search_help_text = (
        "Exact match on the predicted label, the visitor's label or the true label; a prediction "
        "number (#123); or the start of a content hash (at least 8 hex digits)."
    )
    date_hierarchy = "created"
    paginator = selectors.HistoryPaginator
    show_full_result_count = False
    readonly_fields = [
        "image_shown",
        "classifier",
        "version",
        "created",
        "label",
        "probabilities_shown",
        "unsure",
        "feedback",
        "feedback_label",
        "reviewed_by",
        "reviewed_at",
        "latency_ms",
        "sha256",
        "size_bytes",
        "client",
        "original",
        "image_lost",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "image_shown",
                    ("classifier", "version", "created"),
                    "probabilities_shown",
                    ("unsure", "feedback", "feedback_label"),
                    "true_label",
                    "reviewed",
                    ("reviewed_by", "reviewed_at"),
                ]
            },
        ),
        (
            "The upload",
            {
                "fields": [
                    "label",
                    ("latency_ms", "size_bytes"),
                    "sha256",
                    "client",
                    "original",
                    "image_lost",
                ]
            },
        ),
    ]
    actions = ["mark_reviewed", "set_true_label", "export_csv", "add_to_dataset"]
    list_select_related = ["classifier", "version__classifier"]  # a version names its classifier

    def has_add_permission(self, request):
        return False

    def get_changelist(self, request, **kwargs):
        return selectors.IndexedDateHierarchy

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        match = Q(label=term) | Q(feedback_label=term) | Q(true_label=term)
        if re.fullmatch(r"#?\d{1,18}", term):
            match |= Q(pk=int(term.lstrip("#")))
        if SHA256_PREFIX.fullmatch(term.lower()):
            # a range, not LIKE: SQLite's case-insensitive LIKE cannot use the index
            match |= Q(sha256__gte=term.lower(), sha256__lt=term.lower() + "g")
        return queryset.filter(match), False

    @admin.display(description="prediction", ordering="pk")
    def prediction_link(self, prediction):
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:classifier_prediction_change", args=[prediction.pk]),
            prediction.pk,
        )

    @admin.display(description="image")
    def thumbnail_image(self, prediction):
        if not prediction.thumbnail or prediction.image_lost:
            return "image lost"
        return format_html(
            '<img class="prediction-thumbnail" src="{}" alt="Upload #{}" loading="lazy" '
            'width="64" height="64">',
            reverse("classifier:thumbnail", args=[prediction.pk]),
            prediction.pk,
        )

    @admin.display(description="probability", ordering="probability")
    def probability_shown(self, prediction):
        shown = percent(prediction.probability)
        return (
            format_html('{} <span class="tag">not sure</span>', shown)
            if prediction.unsure
            else shown
        )

    @admin.display(description="verdict")
    def verdict(self, prediction):
        if prediction.true_label == NONE_OF_THESE:
            return "none of these"
        if prediction.true_label:
            mark = "✓" if prediction.true_label == prediction.label else "✗"
            return f"{mark} {prediction.true_label}"
        if prediction.feedback == Prediction.Feedback.CORRECT:
            return "visitor: right"
        if prediction.feedback == Prediction.Feedback.WRONG:
            said = f", {prediction.feedback_label}" if prediction.feedback_label else ""
            return f"visitor: wrong{said}"
        return "-"

    @admin.display(description="image")
    def image_shown(self, prediction):
        if not prediction.thumbnail or prediction.image_lost:
            return "The image of this upload is lost."
        thumbnail = reverse("classifier:thumbnail", args=[prediction.pk])
        heatmap = ""
        if prediction.activation:
            heatmap = format_html(
                '<figure><div class="figure-stack"><img src="{}" alt=""><img class="heatmap" '
                'src="{}" alt="Heat-map of where the model looked for {}"></div>'
                "<figcaption>Where it looked</figcaption></figure>",
                thumbnail,
                reverse("classifier:heatmap", args=[prediction.pk]),
                prediction.label,
            )
        return format_html(
            '<div class="prediction-figures"><figure><img src="{}" alt="Upload #{}">'
            "<figcaption>The upload</figcaption></figure>{}</div>",
            thumbnail,
            prediction.pk,
            heatmap,
        )

    @admin.display(description="probabilities")
    def probabilities_shown(self, prediction):
        return format_html(
            '<ol class="prediction-bars">{}</ol>',
            format_html_join(
                "",
                '<li><span class="prediction-bar-label">{}</span> <span>{}</span>'
                '<span class="prediction-bar" aria-hidden="true"><span style="width:{}%">'
                "</span></span></li>",
                (
                    (label, percent(probability), bar_width(probability))
                    for label, probability in prediction.ranked
                ),
            ),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "review_classifiers": ImageClassifier.objects.all(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        """A true label set or changed here is a review: who and when are kept with it."""
        if "true_label" in form.changed_data:
            obj.reviewed = bool(obj.true_label)
            obj.reviewed_by = request.user if obj.true_label else None
            obj.reviewed_at = timezone.now() if obj.true_label else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark as reviewed")
    def mark_reviewed(self, request, queryset):
        count = queryset.update(reviewed=True)
        self.message_user(request, f"{count} predictions marked as reviewed.", messages.SUCCESS)

    @admin.action(description="Set the true label...")
    def set_true_label(self, request, queryset):
        labels = sorted(
            {
                label
                for version in ModelVersion.objects.filter(predictions__in=queryset).distinct()
                for label in version.labels
            }
        )
        form = TrueLabelForm(request.POST if "apply" in request.POST else None)
        form.fields["true_label"].choices = label_choices(labels)
        if form.is_valid():
            count = queryset.update(
                true_label=form.cleaned_data["true_label"],
                reviewed=True,
                reviewed_by=request.user,
                reviewed_at=timezone.now(),
            )
            self.message_user(request, f"True label set on {count} predictions.", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/classifier/prediction/set_true_label.html",
            {
                **self.admin_site.each_context(request),
                "title": "Set the true label",
                "form": form,
                "queryset": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Export as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="predictions.csv"'
        exports.write_csv(queryset, response)
        return response

    @admin.action(description="Add to dataset (the originals, under their true labels)")
    def add_to_dataset(self, request, queryset):
        chosen = queryset.select_related("classifier", "version").order_by("pk")
        for classifier in ImageClassifier.objects.filter(predictions__in=queryset).distinct():
            try:
                report = datasets.add_predictions(
                    classifier, [p for p in chosen if p.classifier_id == classifier.pk]
                )
            except datasets.DatasetError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            self.message_user(
                request,
                f"{classifier.title}: {report.summary()}",
                messages.SUCCESS if report.added else messages.WARNING,
            )
