"""The bundled superhero-set read and clustered once per session, stored once per module that
asks (the tests of a module roll their own changes back)."""

import pytest

from heroes import services
from heroes.bundled import BUNDLED_DETAILS, BUNDLED_POWERS
from mlcore.heroes import layout
from tests.heroes.helpers import remove_heroes


@pytest.fixture(scope="session")
def bundled():
    """(tables, fit) of the bundled files: the fit takes seconds, so once."""
    tables = services.read_tables(BUNDLED_POWERS, BUNDLED_DETAILS, known=layout.NOTHING_KNOWN)
    return tables, services.fit_tables(tables)


@pytest.fixture(scope="module")
def stored(django_db_setup, django_db_blocker, bundled):
    """The bundled heroes committed to the test database for the module's tests."""
    with django_db_blocker.unblock():
        clustering = services.store(*bundled, "bundled")
    yield clustering
    with django_db_blocker.unblock():
        remove_heroes()


@pytest.fixture
def heroes(db, stored):
    """The bundled heroes in the database, as `bootstrap` loads them: their Clustering."""
    return stored
