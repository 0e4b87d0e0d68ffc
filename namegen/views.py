from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from heroproject import ratelimits
from mlcore.names.vocabulary import UnknownCharacters

from .forms import NameForm
from .serving import NoNameModel, active_sampler


def generate(form):
    """Names for a valid form, or None after putting the reason on the form's prefix field."""
    data = form.cleaned_data
    try:
        return active_sampler().generate(
            count=data["count"],
            temperature=data["temperature"],
            prefix=data["prefix"],
            only_new=data["only_new"],
        )
    except UnknownCharacters as error:
        form.add_error("prefix", f"The prefix has {error}.")
        return None


def generator_page(request, context, status=200):
    """The names page; for HTMX the generator alone, which it swaps in."""
    template = "namegen/_generator.html" if request.htmx else "namegen/names.html"
    return render(request, template, context, status=status)


def names_over_limit(request, message):
    """The rate limit's answer: the form as the visitor filled it, with the message."""
    form = NameForm(request.POST or None, initial=NameForm.DEFAULTS)
    return generator_page(request, {"form": form, "names": None, "problem": message})


@require_http_methods(["GET", "POST"])
@ratelimits.limit(ratelimits.NAMES, methods=["POST"], answer=names_over_limit)
def names(request):
    form = NameForm(request.POST or None, initial=NameForm.DEFAULTS)
    context = {"form": form, "names": None, "problem": ""}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                context["names"] = generate(form)
            except NoNameModel as error:
                context["problem"], status = str(error), 503
        if form.errors:
            status = 400
        elif context["names"] is not None and len(context["names"]) < form.cleaned_data["count"]:
            context["problem"] = "Fewer names than asked: the model found no more that fit."
    return generator_page(request, context, status)


@require_GET
@ratelimits.limit(ratelimits.NAMES, answer=ratelimits.json_answer)
def api_names(request):
    form = NameForm({**NameForm.DEFAULTS, **request.GET.dict()})
    if not form.is_valid():
        return JsonResponse({"error": form.error_text()}, status=400)
    try:
        generated = generate(form)
    except NoNameModel as error:
        return JsonResponse({"error": str(error)}, status=503)
    if generated is None:
        return JsonResponse({"error": form.error_text()}, status=400)
    return JsonResponse({"names": [{"name": g.name, "new": g.new} for g in generated]})
