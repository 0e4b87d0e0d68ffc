from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from classifier import datasets, serving
from classifier.models import ImageClassifier
from heroproject import versions
from heroproject.uploads import too_large, too_large_message
from mlcore.vision.images import ImageError

from .. import jobs
from ..forms import TrainingForm
from ..models import TrainingJob
from ..report import comparison_tables


@staff_member_required
@require_http_methods(["GET", "POST"])
def train(request, slug):
    """The training form; a valid post queues a job and shows it."""
    classifier = get_object_or_404(ImageClassifier, slug=slug)
    form = TrainingForm(request.POST or None, initial={"cv": datasets.suggested_folds(classifier)})
    if request.method == "POST" and form.is_valid():
        job = jobs.start_training(classifier, form.options(), request.user.get_username())
        return redirect(job)
    context = {
        "classifier": classifier,
        "form": form,
        "jobs": classifier.jobs.select_related("version")[:10],
        "versions": classifier.versions.all(),
        "waiting": TrainingJob.objects.filter(status=TrainingJob.Status.QUEUED).count(),
    }
    return render(request, "studio/train.html", context, status=400 if form.errors else 200)


@staff_member_required
def job_page(request, pk):
    """A job's progress, log and results; HTMX polls the partial while it runs. Reads only: a
    job whose worker died shows as failed, and a worker records it."""
    job = get_object_or_404(TrainingJob.objects.select_related("classifier", "version"), pk=pk)
    template = "studio/_job.html" if request.htmx else "studio/job.html"
    return render(request, template, job_context(job))


def job_context(job):
    job = jobs.as_seen(job)
    return {
        "job": job,
        "waiting_before": jobs.waiting_before(job),
        "time_left": jobs.time_left(job),
        "no_worker": jobs.no_worker(job),
        "active": job.classifier.versions.filter(active=True).first(),
        "comparison_tables": comparison_tables(job.comparison),
    }


@staff_member_required
@require_POST
def try_version(request, pk):
    """Classify an image with the job's new version, active or not; nothing is stored."""
    job = get_object_or_404(TrainingJob.objects.select_related("classifier", "version"), pk=pk)
    upload = request.FILES.get("image")
    status, tried, problem = 200, None, ""
    if too_large(request):
        status, problem = 413, too_large_message()
    elif job.version is None:
        status, problem = 404, "This job made no version to try."
    elif upload is None:
        status, problem = 400, "Choose an image to classify."
    else:
        try:
            tried = serving.try_version(job.version, upload.read())
        except ImageError as error:
            status, problem = 400, str(error)
        except serving.ClassifierUnavailable as error:
            status, problem = 503, str(error)
    context = {"tried": tried, "try_problem": problem}
    if request.htmx:
        return render(request, "studio/_tried.html", context, status=status)
    return render(request, "studio/job.html", {**job_context(job), **context}, status=status)


@staff_member_required
@require_POST
def cancel(request, pk):
    job = get_object_or_404(TrainingJob, pk=pk)
    jobs.cancel(job)
    messages.info(request, "Cancelled." if job.is_finished else "Cancelling at the next step...")
    return redirect(job)


@staff_member_required
@require_POST
def activate(request, pk):
    """Put the job's new version in service."""
    job = get_object_or_404(TrainingJob.objects.select_related("version"), pk=pk)
    if job.version is None:
        messages.error(request, "This job made no version to activate.")
        return redirect(job)
    versions.make_active(job.version)
    messages.success(request, f"{job.version} is now active.")
    return redirect(job)


@staff_member_required
@require_POST
def roll_back(request, slug):
    """Return the classifier to the version active before its current one."""
    classifier = get_object_or_404(ImageClassifier, slug=slug)
    current = classifier.versions.filter(active=True).first()
    previous = versions.roll_back(current) if current else None
    if previous is None:
        messages.warning(request, "No version was active before this one: nothing changed.")
    else:
        messages.success(request, f"{previous} is active again.")
    return redirect("studio:train", slug=slug)
