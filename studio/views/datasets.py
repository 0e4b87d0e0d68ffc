"""The studio's dataset pages: classifiers, their classes and images, adding images (files, a
zip, labelled predictions, collecting from the web) and removing them. Staff only.

With HTMX, adding or removing images answers the class's panel (a zip, the whole dataset); a
plain form post is answered with a redirect and a message, or the page with the problem (4xx).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from classifier import datasets, examples, selectors
from classifier.models import ImageClassifier
from heroproject import uploads
from mlcore.storage import archives
from mlcore.vision import images

from .. import jobs
from ..forms import ClassForm, ClassifierForm, CollectForm, ImagesForm, ZipForm
from ..models import CollectionJob

PREVIEW = 60  # thumbnails a class panel shows until staff ask for all
RECENT_COLLECTIONS = 5


def classifier_or_404(slug):
    return get_object_or_404(ImageClassifier, slug=slug)


def page(request, classifier, status=200, **forms):
    """The classifier's dataset page; forms replace the empty ones (to show their errors)."""
    found = datasets.classes(classifier)
    show = request.GET.get("show")
    recent = classifier.collections.all()[:RECENT_COLLECTIONS]
    collections = [jobs.collection_as_seen(job) for job in recent]
    context = {
        "classifier": classifier,
        "panels": [panel(group, group.name == show) for group in found],
        "warnings": datasets.dataset_warnings(classifier, found),
        "active": selectors.active_version(classifier),
        "zip_form": ZipForm(),
        "class_form": ClassForm(),
        "collect_form": CollectForm(classes=[group.name for group in found]),
        "waiting": len(datasets.waiting_predictions(classifier)),
        "examples": classifier.examples.all(),
        "collections": collections,
        "collecting": any(not job.is_finished for job in collections),
        **forms,
    }
    return render(request, "studio/classifier.html", context, status=status)


def panel(group, show_all=False, report=None, error=None):
    """What the class panel partial shows."""
    return {
        "group": group,
        "shown": group.images if show_all else group.images[:PREVIEW],
        "all": show_all,
        "report": report,
        "error": error,
    }


def panel_answer(request, classifier, label, status=200, report=None, error=None):
    """The class's panel (and the dataset's warnings, out of band), for HTMX."""
    found = datasets.classes(classifier)
    group = next(group for group in found if group.name == label)
    context = {
        "classifier": classifier,
        "panel": panel(group, request.GET.get("show") == label, report, error),
        "warnings": datasets.dataset_warnings(classifier, found),
    }
    return render(request, "studio/_class_answer.html", context, status=status)


def dataset_answer(request, classifier, status=200, report=None, error=None):
    """Every class's panel with the warnings, for HTMX."""
    found = datasets.classes(classifier)
    context = {
        "classifier": classifier,
        "panels": [panel(group) for group in found],
        "warnings": datasets.dataset_warnings(classifier, found),
        "report": report,
        "error": error,
    }
    return render(request, "studio/_dataset.html", context, status=status)


def problem(request, classifier, message, status=400, label=None, target="panel"):
    """A request the dataset cannot take: the message where the request came from."""
    if request.htmx:
        if target == "dataset":
            return dataset_answer(request, classifier, status, error=message)
        if label in datasets.class_names(classifier):
            return panel_answer(request, classifier, label, status, error=message)
        return render(request, "studio/_problem.html", {"message": message}, status=status)
    messages.error(request, message)
    return page(request, classifier, status=status)


def added(request, classifier, report, label=None):
    """The answer to images added: 400 when every one was turned away."""
    status = 200 if report.added or not report.rejected else 400
    if request.htmx:
        if label:
            return panel_answer(request, classifier, label, status, report)
        return dataset_answer(request, classifier, status, report)
    messages.add_message(
        request, messages.SUCCESS if status == 200 else messages.ERROR, report.summary()
    )
    if status == 200:
        return redirect("studio:classifier", classifier.slug)
    return page(request, classifier, status=status)


def first_error(form):
    return next(iter(form.errors.values()))[0]


@staff_member_required
@require_GET
def index(request):
    return index_page(request, ClassifierForm())


def index_page(request, form, status=200):
    classifiers = selectors.with_active_version(ImageClassifier.objects.all())
    rows = [(classifier, datasets.classes(classifier)) for classifier in classifiers]
    return render(request, "studio/index.html", {"rows": rows, "form": form}, status=status)


@staff_member_required
@require_POST
def create(request):
    form = ClassifierForm(request.POST)
    if form.is_valid():
        try:
            classifier = datasets.create_classifier(**form.cleaned_data)
        except datasets.DatasetError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"Created {classifier.title}: now add images to its classes.")
            return redirect("studio:classifier", classifier.slug)
    return index_page(request, form, status=400)


@staff_member_required
@require_GET
def classifier_page(request, slug):
    return page(request, classifier_or_404(slug))


@staff_member_required
@require_POST
@uploads.with_handlers(uploads.SkipLargeFiles)
def add_images(request, slug):
    classifier = classifier_or_404(slug)
    form = ImagesForm(request.POST, request.FILES)
    too_large = uploads.skipped(request)
    if not form.is_valid():
        return problem(request, classifier, "Say which class the images are for.")
    label, files = form.cleaned_data["label"], form.cleaned_data["images"]
    if not files and not too_large:
        return problem(request, classifier, "Choose one or more images to add.", label=label)
    try:
        report = datasets.add_images(classifier, label, files)
    except datasets.DatasetError as error:
        return problem(request, classifier, str(error))
    for name in too_large:
        report.reject(name, datasets.too_large_reason())
    return added(request, classifier, report, label)


@staff_member_required
@require_POST
@uploads.with_handlers(uploads.limited_to("STUDIO_MAX_ZIP_BYTES"))
def add_zip(request, slug):
    classifier = classifier_or_404(slug)
    if uploads.too_large(request):
        limit = settings.STUDIO_MAX_ZIP_BYTES / 2**20
        message = f"The zip is larger than {limit:g} MB: split it into several."
        return problem(request, classifier, message, status=413, target="dataset")
    form = ZipForm(request.POST, request.FILES)
    if not form.is_valid():
        return problem(request, classifier, first_error(form), target="dataset")
    try:
        report = datasets.add_zip(
            classifier, form.cleaned_data["archive"], form.cleaned_data["new_classes"]
        )
    except (archives.ArchiveError, datasets.DatasetError) as error:
        return problem(request, classifier, str(error), target="dataset")
    return added(request, classifier, report)


@staff_member_required
@require_POST
def add_class(request, slug):
    classifier = classifier_or_404(slug)
    form = ClassForm(request.POST)
    if form.is_valid():
        try:
            name = datasets.add_class(classifier, form.cleaned_data["name"])
        except datasets.DatasetError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"Added the class '{name}'.")
            return redirect("studio:classifier", classifier.slug)
    return page(request, classifier, status=400, class_form=form)


@staff_member_required
@require_POST
def remove_image(request, slug, label, name):
    classifier = classifier_or_404(slug)
    try:
        datasets.remove_image(classifier, label, name)
    except datasets.DatasetError as error:
        return problem(request, classifier, str(error), status=404, label=label)
    if request.htmx:
        return panel_answer(request, classifier, label)
    messages.success(request, f"Removed {label}/{name}.")
    return redirect("studio:classifier", classifier.slug)


@staff_member_required
@require_GET
def image(request, slug, label, name):
    """A thumbnail of a dataset image, drawn when asked for."""
    classifier = classifier_or_404(slug)
    try:
        thumbnail = datasets.thumbnail(classifier, label, name)
    except datasets.DatasetError as error:
        raise Http404(str(error)) from None
    except images.ImageError as error:
        return HttpResponse(str(error), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(thumbnail, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_member_required
@require_POST
def add_predictions(request, slug):
    classifier = classifier_or_404(slug)
    try:
        report = datasets.add_labelled_predictions(classifier)
    except datasets.DatasetError as error:
        return problem(request, classifier, str(error), status=409, target="dataset")
    if not (report.added or report.rejected):
        messages.info(
            request, "No labelled predictions are waiting: label uploads in the review queue."
        )
        return redirect("studio:classifier", classifier.slug)
    return added(request, classifier, report)


@staff_member_required
@require_POST
def collect(request, slug):
    classifier = classifier_or_404(slug)
    form = CollectForm(request.POST, classes=datasets.class_names(classifier))
    if not form.is_valid():
        return page(request, classifier, status=400, collect_form=form)
    label, queries, count = (form.cleaned_data[name] for name in ("label", "queries", "count"))
    jobs.start_collection(classifier, label, queries, count)
    messages.success(
        request,
        f"Collecting up to {count} images for '{label}': a task worker runs it (manage.py "
        "db_worker); its log shows below.",
    )
    return redirect("studio:classifier", classifier.slug)


@staff_member_required
@require_POST
def cancel_collection(request, slug, pk):
    job = get_object_or_404(CollectionJob, pk=pk, classifier__slug=slug)
    jobs.cancel(job)
    messages.info(request, "Cancelled." if job.is_finished else "Cancelling at the next image...")
    return redirect("studio:classifier", slug=slug)


@staff_member_required
@require_POST
def pick_examples(request, slug):
    """New example images for the home page, from the active version's test split."""
    classifier = classifier_or_404(slug)
    if selectors.active_version(classifier) is None:
        messages.error(request, "Examples come from the active version's test images: train one.")
        return redirect("studio:classifier", slug=slug)
    picked = examples.pick(classifier)
    messages.success(request, f"{len(picked)} example images picked from the test images.")
    return redirect("studio:classifier", slug=slug)
