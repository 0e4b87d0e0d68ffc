"""Every view that takes a POST is rate limited, whether it declares a limit or not.

Walks the whole URLconf, the admin included, fills each URL's arguments from real rows, and for
each view that does not answer a POST with 405 shows that, with every group at 1 an hour, the
second POST from a client answers 429 with Retry-After. A view added later is covered without a
word here: declaring nothing, it is limited under the default group.
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.regex_helper import normalize

from classifier.models import Prediction
from quotes.models import Quote


def views(patterns=None, route="", regex=""):
    """(route, regex, pattern) of every view in the URLconf, through every include."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        entry_route = route + str(entry.pattern)
        entry_regex = regex + entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            yield from views(entry.url_patterns, entry_route, entry_regex)
        else:
            yield entry_route, entry_regex, entry


VIEWS = list(views())


@pytest.fixture
def arguments(request, admin_user, shapes_dir):
    """URL arguments by name, from real rows; an admin object id from its model's rows."""
    classifier = request.getfixturevalue("shapes_classifier")
    request.getfixturevalue("name_model")
    Group.objects.create(name="reviewers")
    Quote.objects.create(
        text="Try again.", author="Anon", provider="test", fetched_at=timezone.now()
    )
    image = (shapes_dir / "red_circle" / "000.png").read_bytes()
    upload = SimpleUploadedFile("red.png", image, content_type="image/png")
    Client().post("/", {"classifier": classifier.slug, "image": upload})
    prediction = Prediction.objects.get()
    return {
        "pk": prediction.pk,
        "slug": classifier.slug,
        "number": classifier.versions.get().number,
        "id": admin_user.pk,
        # The admin's "view on site" and object links without a model admin: the prediction.
        "content_type_id": ContentType.objects.get_for_model(Prediction).pk,
        "object_id": prediction.pk,
        "app_label": "classifier",
        "url": "nowhere/",
    }


def path_to(regex, pattern, arguments):
    """A path the pattern matches; an argument nobody named here gets "1"."""
    model_admin = getattr(pattern.callback, "model_admin", None)
    if model_admin is not None:
        row = model_admin.model._default_manager.first()
        arguments = {**arguments, "object_id": row.pk if row else 1}
    template, names = normalize(regex)[0]
    return "/" + template % {name: arguments.get(name, "1") for name in names}


@pytest.mark.parametrize(("route", "regex", "pattern"), VIEWS, ids=[view[0] for view in VIEWS])
def test_a_second_post_answers_429(admin_client, arguments, settings, route, regex, pattern):
    path = path_to(regex, pattern, arguments)
    assert resolve(path).func == pattern.callback, f"{path} is not the view of {route}"
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1/h")
    first = admin_client.post(path)
    if first.status_code == 405:
        pytest.skip(f"{route} takes no POST")
    second = admin_client.post(path)
    assert first.status_code != 429
    assert second.status_code == 429, f"POST {path} is not limited"
    assert 1 <= int(second["Retry-After"]) <= 3600
