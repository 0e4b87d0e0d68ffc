"""Which visitor an upload is from, read from the request for the views: the keyed hash of their
address stored with a prediction, and the predictions their session made (the only ones they may
see, staff aside)."""

import hashlib
import hmac

from django.conf import settings

from heroproject import ratelimits

OWN_PREDICTIONS = "own_predictions"  # session key: the predictions this visitor made
OWN_PREDICTIONS_KEPT = 100


def client_hash(request):
    """A keyed hash of the client's address (the one rate limits count, so behind a proxy the
    visitor's, not the proxy's): lets an admin group uploads, never reveals the IP."""
    address = ratelimits.client_ip(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def remember(session, prediction):
    own = session.get(OWN_PREDICTIONS, [])
    session[OWN_PREDICTIONS] = [*own, prediction.pk][-OWN_PREDICTIONS_KEPT:]


def visible_to(request, prediction):
    """Visitors see their own predictions; staff see all."""
    return request.user.is_staff or prediction.pk in request.session.get(OWN_PREDICTIONS, [])
