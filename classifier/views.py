from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heroproject import ratelimits
from heroproject.uploads import discard_body, too_large, too_large_message
from mlcore.storage.model_files import CONFUSION, CURVES
from mlcore.vision.images import ImageError

from . import examples, ownership, selectors
from .feedback import give_feedback
from .forms import FeedbackForm, UploadForm
from .heatmaps import heatmap_png
from .models import ExampleImage, ImageClassifier, ModelVersion, Prediction
from .recording import classify_and_record
from .serving import ClassifierUnavailable, active_version_of
from .thumbnails import ensure_thumbnail

PLOTS = {"curves": CURVES, "confusion": CONFUSION}


class RejectedUpload(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def classify_or_reject(request, classifier, upload, thumbnail_later=False, version=None):
    """The stored prediction of an uploaded file; RejectedUpload says why not, with a status."""
    client = ownership.client_hash(request)
    try:
        return classify_and_record(classifier, upload.read(), client, thumbnail_later, version)
    except ClassifierUnavailable as error:
        raise RejectedUpload(str(error), 503) from None
    except ImageError as error:
        raise RejectedUpload(str(error), 400) from None


def upload_page(request, form, problem="", status=200):
    """The home page with the upload form and the problem; for HTMX the problem alone."""
    classifiers = form.fields["classifier"].queryset.prefetch_related("examples")
    context = {"form": form, "problem": problem, "classifiers": classifiers}
    if request.htmx:
        return render(request, "classifier/_upload_problem.html", context, status=status)
    return render(request, "classifier/home.html", context, status=status)


def home_over_limit(request, message):
    """The rate limit's answer: the form again, with the message."""
    return upload_page(request, UploadForm(request.POST or None, request.FILES or None), message)


@require_http_methods(["GET", "POST"])
@ratelimits.limit(ratelimits.CLASSIFY, methods=["POST"], answer=home_over_limit)
def home(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    status, problem = 200, ""
    if request.method == "POST":
        if too_large(request):
            status, problem = 413, too_large_message()
        elif form.is_valid():
            try:
                prediction = classify_or_reject(
                    request, form.cleaned_data["classifier"], form.cleaned_data["image"]
                )
            except RejectedUpload as rejected:
                status, problem = rejected.status, str(rejected)
            else:
                return show_result(request, prediction)
        else:
            status = 400
    return upload_page(request, form, problem, status)


def show_result(request, prediction):
    """A new prediction: its page, or for HTMX the result alone, its address in the history."""
    ownership.remember(request.session, prediction)
    if not request.htmx:
        return redirect(prediction)
    response = render(request, "classifier/_result.html", result_context(prediction))
    response["HX-Push-Url"] = prediction.get_absolute_url()
    return response


@require_POST
@ratelimits.limit(ratelimits.CLASSIFY, answer=home_over_limit)
def classify_example(request, pk):
    example = get_object_or_404(ExampleImage.objects.select_related("classifier"), pk=pk)
    try:
        data = examples.example_bytes(example)
    except OSError:
        return upload_page(request, UploadForm(), "This example is no longer stored.", 404)
    client = ownership.client_hash(request)
    try:
        prediction = classify_and_record(example.classifier, data, client)
    except ClassifierUnavailable as error:
        return upload_page(request, UploadForm(), str(error), 503)
    return show_result(request, prediction)


@require_GET
def example_thumbnail(request, pk):
    example = get_object_or_404(ExampleImage, pk=pk)
    try:
        thumbnail = default_storage.open(example.thumbnail.name)
    except OSError:
        raise Http404("This example's thumbnail is no longer stored.") from None
    response = FileResponse(thumbnail, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def result_context(prediction):
    return {
        "prediction": prediction,
        "feedback_form": FeedbackForm(prediction.version.labels),
        "threshold": prediction.classifier.unsure_threshold,
    }


def own_prediction(request, pk):
    prediction = get_object_or_404(
        Prediction.objects.select_related("classifier", "version"), pk=pk
    )
    if not ownership.visible_to(request, prediction):
        raise Http404("No such prediction.")
    return prediction


@require_GET
def prediction_page(request, pk):
    prediction = own_prediction(request, pk)
    return render(request, "classifier/prediction.html", result_context(prediction))


@require_POST
def feedback(request, pk):
    prediction = own_prediction(request, pk)
    form = FeedbackForm(prediction.version.labels, request.POST)
    if form.is_valid():
        correct = form.cleaned_data["verdict"] == "correct"
        give_feedback(prediction, correct, form.cleaned_data["label"])
        if not request.htmx:
            messages.success(request, "Thank you: your answer helps the next model.")
            return redirect(prediction)
    context = {**result_context(prediction), "feedback_form": form}
    status = 200 if form.is_valid() else 400
    if request.htmx:
        return render(request, "classifier/_feedback.html", context, status=status)
    return render(request, "classifier/prediction.html", context, status=status)


@require_GET
def thumbnail(request, pk):
    prediction = own_prediction(request, pk)
    if not ensure_thumbnail(prediction):
        raise Http404("The image is no longer stored.")
    response = FileResponse(
        default_storage.open(prediction.thumbnail.name), content_type="image/jpeg"
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def heatmap(request, pk):
    """Drawn when asked for, not at upload: classifying stays as fast as the model."""
    prediction = own_prediction(request, pk)
    if not (prediction.activation and ensure_thumbnail(prediction)):
        raise Http404("There is no heat-map for this prediction.")
    response = HttpResponse(heatmap_png(prediction), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def api_docs(request):
    classifier = selectors.in_service().first()
    slug = classifier.slug if classifier else "charts"
    return render(request, "classifier/api.html", {"slug": slug})


@require_GET
def classifier_page(request, slug):
    classifier = get_object_or_404(ImageClassifier, slug=slug)
    versions = list(selectors.with_feedback(classifier.versions.all()))
    active = next((version for version in versions if version.active), None)
    history = selectors.training_history(active) if active else None
    context = {"classifier": classifier, "active": active, "versions": versions, "history": history}
    return render(request, "classifier/classifier.html", context)


@require_GET
def plot(request, slug, number, name):
    version = get_object_or_404(ModelVersion, classifier__slug=slug, number=number)
    path = version.path / PLOTS[name]
    if not path.is_file():
        raise Http404("This plot is missing.")
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@csrf_exempt
@require_POST
@ratelimits.limit(ratelimits.CLASSIFY, answer=ratelimits.json_answer)
def api_classify(request, slug):
    """For scripts: multipart field `image`; answers JSON, errors too."""
    # The classifier and its active version in one query; a second only when there is none.
    version = active_version_of(slug)
    classifier = (
        version.classifier if version else ImageClassifier.objects.filter(slug=slug).first()
    )
    if classifier is None:
        discard_body(request)
        return JsonResponse({"error": f"There is no classifier '{slug}'."}, status=404)
    upload = request.FILES.get("image")  # parses the body, stopping at the size limit
    if too_large(request):
        return JsonResponse({"error": too_large_message()}, status=413)
    if upload is None:
        return JsonResponse({"error": "Send the image as the multipart field 'image'."}, status=400)
    try:
        # The answer does not show the thumbnail: it is drawn after.
        prediction = classify_or_reject(
            request, classifier, upload, thumbnail_later=True, version=version
        )
    except RejectedUpload as rejected:
        return JsonResponse({"error": str(rejected)}, status=rejected.status)
    return JsonResponse(
        {
            "label": prediction.label,
            "probability": prediction.probability,
            "probabilities": prediction.probabilities,
            "unsure": prediction.unsure,
            "model_version": prediction.version.number,
            "prediction_id": prediction.pk,
        }
    )
