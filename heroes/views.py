from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .forms import BuildForm, SearchForm


def no_heroes(request):
    """Before any import: the reason and what an operator runs, as a 503."""
    template = "heroes/_problem.html" if request.htmx else "heroes/empty.html"
    return render(request, template, {"problem": services.HOW_TO_LOAD}, status=503)


@require_GET
def index(request):
    clustering = selectors.current_clustering()
    if clustering is None:
        return no_heroes(request)
    clusters = selectors.clusters(clustering)
    context = {
        "clustering": clustering,
        "clusters": clusters,
        "map": selectors.hero_map(),
        "form": SearchForm(),
        "mean_powers": selectors.mean_powers(clustering),
    }
    return render(request, "heroes/index.html", context)


@require_GET
def search(request):
    form = SearchForm(request.GET)
    status, results, query = 200, [], ""
    if not form.is_valid():
        status = 400
    else:
        query = form.cleaned_data["q"]
        if query and selectors.current_clustering() is None:
            return no_heroes(request)
        results = selectors.search(query)
    context = {"form": form, "results": results, "query": query}
    template = "heroes/_search_results.html" if request.htmx else "heroes/search.html"
    return render(request, template, context, status=status)


@require_GET
def cluster(request, number):
    clustering = selectors.current_clustering()
    if clustering is None:
        return no_heroes(request)
    found = selectors.cluster(clustering, number)
    if found is None:
        raise Http404(f"There is no cluster {number}.")
    context = {"clustering": clustering, "cluster": found, "heroes": found.heroes.all()}
    return render(request, "heroes/cluster.html", context)


@require_GET
def hero(request, hero):
    found = selectors.hero(hero)
    if found is None:
        if selectors.current_clustering() is None:
            return no_heroes(request)
        raise Http404("No hero has that address.")
    context = {
        "hero": found,
        "powers": found.powers.all(),
        "distinctive": selectors.distinctive_in_cluster(found),
        "neighbours": found.neighbours.all(),
    }
    return render(request, "heroes/hero.html", context)


@require_http_methods(["GET", "POST"])
def build(request):
    """Tick powers, see the cluster such a hero would join and the heroes nearest to it."""
    powers = selectors.powers()
    if not powers:
        return no_heroes(request)
    form = BuildForm(request.POST if request.method == "POST" else None, powers=powers)
    context = {"form": form, "placed": None, "problem": ""}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                context["placed"] = services.place(form.cleaned_data["powers"])
            except services.NoHeroes as error:
                context["problem"], status = str(error), 503
            context["chosen"] = set(form.cleaned_data["powers"])
        else:
            status = 400
    template = "heroes/_build_result.html" if request.htmx else "heroes/build.html"
    return render(request, template, context, status=status)
