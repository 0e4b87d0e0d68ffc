"""The squashed migrations: a database migrated before the squash needs only what came after.

Each app's migrations were squashed into one initial migration that `replaces` the old ones, and
the old files were deleted; migrations written since come after it. The test database is a
fresh one, built by `migrate`; the tests rewrite its `django_migrations` (inside the test's
transaction, rolled back afterwards) to what an older database holds and ask the executor what
it would apply.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db

# What a database migrated before the squash holds, app by app.
OLD = {
    "classifier": [
        "0001_initial",
        "0002_prediction",
        "0003_prediction_image_lost",
        "0004_modelversion_cross_validation",
        "0005_version_lifecycle",
        "0006_history_at_scale",
        "0007_example_images",
        "0008_review",
    ],
    "heroes": ["0001_initial", "0002_herosnapshot"],
    "namegen": ["0001_initial", "0002_version_lifecycle"],
    "quotes": ["0001_initial"],
    "studio": ["0001_initial", "0002_trainingjob_overall"],
}
SQUASHED = {
    "classifier": "0001_squashed_0008_review",
    "heroes": "0001_squashed_0002_herosnapshot",
    "namegen": "0001_squashed_0002_version_lifecycle",
    "studio": "0001_squashed_0002_trainingjob_overall",
}


def later():
    """Our apps' migrations written after the squash."""
    graph = MigrationExecutor(connection).loader.graph
    first = {(app, SQUASHED.get(app, names[-1])) for app, names in OLD.items()}
    return {key for key in graph.nodes if key[0] in OLD} - first


def plan():
    """What `migrate` would apply to the test database as its records now stand."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def record_only(names):
    """Make django_migrations hold names (app -> migration names) for our apps, nothing else."""
    recorded = MigrationRecorder.Migration.objects.filter(app__in=OLD)
    recorded.delete()
    MigrationRecorder.Migration.objects.bulk_create(
        MigrationRecorder.Migration(app=app, name=name)
        for app, app_names in names.items()
        for name in app_names
    )


def test_each_app_starts_with_one_migration_replacing_all_the_old_ones():
    graph = MigrationExecutor(connection).loader.graph
    for app, old_names in OLD.items():
        roots = [key for key in graph.root_nodes(app)]
        assert len(roots) == 1, roots
        migration = graph.nodes[roots[0]]
        if app in SQUASHED:
            assert migration.name == SQUASHED[app]
            assert migration.replaces == [(app, name) for name in old_names]
        else:
            assert [migration.name] == old_names
    for key in later():
        assert not graph.nodes[key].replaces, key


def test_a_fresh_database_records_the_squashed_and_the_old_names():
    recorded = set(
        MigrationRecorder.Migration.objects.filter(app__in=OLD).values_list("app", "name")
    )
    old = {(app, name) for app, names in OLD.items() for name in names}
    squashed = set(SQUASHED.items())
    assert recorded == old | squashed | later()
    assert plan() == []


def test_a_database_migrated_before_the_squash_needs_only_the_later_migrations():
    record_only(OLD)
    assert not MigrationRecorder.Migration.objects.filter(
        app__in=SQUASHED, name__contains="squashed"
    ).exists()
    assert {(migration.app_label, migration.name) for migration, _ in plan()} == later()


def test_a_database_without_our_apps_would_apply_each_squashed_migration():
    record_only({})
    to_apply = [(migration.app_label, migration.name) for migration, backwards in plan()]
    expected = {(app, SQUASHED.get(app, names[-1])) for app, names in OLD.items()}
    assert set(to_apply) == expected | later()
    assert to_apply.index(("studio", SQUASHED["studio"])) > to_apply.index(
        ("classifier", SQUASHED["classifier"])
    )
