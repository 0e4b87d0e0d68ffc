"""The review queue's page, staff only: one prediction at a time, labelled by keyboard, mouse
or touch. With HTMX a verdict answers the next item; a plain form post is answered with a
redirect to the queue (or the page with the problem, 4xx)."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from classifier.models import NONE_OF_THESE, ImageClassifier

from .. import review
from ..forms import ReviewFilterForm


def answer(request, classifier, form, item=None, message="", status=200):
    """The queue (the page, or its panel for HTMX) showing item, else the next prediction."""
    filters = form.filters() if form.is_valid() else review.Filters()
    item = item or review.next_item(classifier, filters, request.session)
    left, today = review.counts(classifier, filters, request.session)
    context = {
        "classifier": classifier,
        "form": form,
        "query": form.query(),
        "item": item,
        "choices": review.choices(item) if item else [],
        "none_of_these": NONE_OF_THESE,
        "left": left,
        "today": today,
        "message": message,
        "problem": status >= 400,
    }
    template = "studio/_review.html" if request.htmx else "studio/review.html"
    return render(request, template, context, status=status)


@staff_member_required
@require_GET
def queue(request, slug):
    classifier = get_object_or_404(ImageClassifier, slug=slug)
    form = ReviewFilterForm(classifier, request.GET)
    item = None
    if request.GET.get("item", "").isdigit():  # the prediction an undo gave back
        item = review.waiting(classifier, review.Filters(), request.session)
        item = item.filter(pk=request.GET["item"]).select_related("version").first()
    return answer(request, classifier, form, item, status=200 if form.is_valid() else 400)


@staff_member_required
@require_POST
def verdict(request, slug):
    """A label for a prediction (`verdict`), a skip or an undo (`action`)."""
    classifier = get_object_or_404(ImageClassifier, slug=slug)
    form = ReviewFilterForm(classifier, request.POST)
    action, pk = request.POST.get("action", ""), request.POST.get("prediction", "")
    item, message = None, ""
    try:
        if action == "undo":
            item = review.undo(classifier, request.user)
            message = f"Took back the label of #{item.pk}." if item else "Nothing to undo."
        elif not pk.isdigit():
            raise review.ReviewError("Which prediction? The form lost its number: reload it.")
        elif action == "skip":
            review.skip(request.session, pk)
            message = f"Skipped #{pk}."
        else:
            label = request.POST.get("verdict", "")
            report = review.give_verdict(classifier, int(pk), label, request.user, request.session)
            message = f"#{pk}: {label}." + (f" {report.summary()}" if report else "")
    except review.ReviewError as error:
        return answer(request, classifier, form, message=str(error), status=error.status)
    if request.htmx:
        return answer(request, classifier, form, item=item, message=message)
    messages.info(request, message)
    query = "&".join(part for part in (form.query(), f"item={item.pk}" if item else "") if part)
    return redirect(reverse("studio:review", args=[slug]) + (f"?{query}" if query else ""))
