"""`bootstrap` loads the bundled heroes when there are none, and only then."""

import io

from heroes import services
from heroes.models import Clustering, Hero
from management.management.commands.bootstrap import Command


def test_bootstrap_loads_the_bundled_heroes_once(db, bundled, monkeypatch):
    # The bundled files are read as bootstrap reads them; the session's fit stands in for the
    # seconds of fitting them again.
    monkeypatch.setattr(services, "fit_tables", lambda tables, **options: bundled[1])
    out = io.StringIO()
    command = Command(stdout=out)
    assert command.heroes() is True
    assert Hero.objects.count() == 667
    clustering = Clustering.objects.get()
    assert "heroes_information.csv" in clustering.source
    assert f"loaded the bundled 667 heroes in {clustering.k} clusters" in out.getvalue()
    assert command.heroes() is False
    assert "Heroes by power: 667 heroes already." in out.getvalue()
    assert Clustering.objects.get().pk == clustering.pk
