from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from heroproject.admin_actions import VERSION_ACTIONS

from . import predictions, selectors
from .models import ImageClassifier, ModelVersion, Prediction
from .templatetags.classifier import cross_validated, percent


def plots(version):
    if version is None:
        return "-"
    slug, number = version.classifier.slug, version.number
    return format_html(
        '<img src="{}" alt="confusion matrix" style="max-width:32rem;width:100%"> '
        '<img src="{}" alt="training curves" style="max-width:32rem;width:100%">',
        reverse("classifier:confusion", args=[slug, number]),
        reverse("classifier:curves", args=[slug, number]),
    )


def percent_or_dash(value):
    return "-" if value is None else percent(value)


@admin.register(ImageClassifier)
class ImageClassifierAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "active_version", "test_accuracy"]
    search_fields = ["title", "slug"]
    readonly_fields = ["active_version", "active_plots", "created"]
    fields = ["slug", "title", "description", "unsure_threshold", "active_version", "active_plots"]

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

    @admin.display(description="plots of the active version")
    def active_plots(self, classifier):
        return plots(self.active(classifier))


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "created",
        "backbone",
        "test_accuracy_shown",
        "cv_accuracy_shown",
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
        return selectors.with_feedback(super().get_queryset(request))

    @admin.display(description="test accuracy")
    def test_accuracy_shown(self, version):
        return percent_or_dash(version.test_accuracy)

    @admin.display(description="cross-validated accuracy")
    def cv_accuracy_shown(self, version):
        return cross_validated(version.cross_validation) or "-"

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


class TrueLabelForm(forms.Form):
    true_label = forms.ChoiceField(label="True label")


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail_image",
        "created",
        "classifier",
        "version",
        "label",
        "probability_shown",
        "unsure",
        "feedback",
        "feedback_label",
        "true_label",
        "reviewed",
    ]
    list_filter = [
        "classifier",
        "version",
        "label",
        "unsure",
        "feedback",
        "reviewed",
        "image_lost",
        ("created", admin.DateFieldListFilter),
    ]
    search_fields = ["label", "feedback_label", "true_label", "sha256"]
    date_hierarchy = "created"
    readonly_fields = [
        "thumbnail_image",
        "classifier",
        "version",
        "created",
        "label",
        "probability",
        "probabilities",
        "unsure",
        "latency_ms",
        "sha256",
        "size_bytes",
        "client",
        "original",
        "image_lost",
        "feedback",
        "feedback_label",
    ]
    fields = [*readonly_fields, "true_label", "reviewed"]
    actions = ["mark_reviewed", "set_true_label", "export_csv", "add_to_dataset"]
    list_select_related = ["classifier", "version"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="image")
    def thumbnail_image(self, prediction):
        if not prediction.thumbnail:
            return "image lost"
        return format_html(
            '<img src="{}" alt="" style="max-width:96px;max-height:96px">',
            reverse("classifier:thumbnail", args=[prediction.pk]),
        )

    @admin.display(description="probability", ordering="probability")
    def probability_shown(self, prediction):
        return f"{prediction.probability:.1%}"

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
        form.fields["true_label"].choices = [(label, label) for label in labels]
        if form.is_valid():
            count = queryset.update(true_label=form.cleaned_data["true_label"], reviewed=True)
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
        predictions.write_csv(queryset, response)
        return response

    @admin.action(description="Add to dataset (the originals, under their true labels)")
    def add_to_dataset(self, request, queryset):
        added, skipped = predictions.copy_to_dataset(queryset)
        self.message_user(
            request,
            f"Copied {added} images into {settings.DATASETS_DIR}; skipped {skipped} without a "
            "known label or a kept original.",
            messages.SUCCESS if added else messages.WARNING,
        )
