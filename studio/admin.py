from django.contrib import admin

from .models import CollectionJob, TrainingJob


@admin.register(CollectionJob)
class CollectionJobAdmin(admin.ModelAdmin):
    """Collections from the web, started in the studio: read only, the log included."""

    list_display = ["__str__", "created", "status", "count", "finished"]
    list_filter = ["status", "classifier"]
    list_select_related = ["classifier"]
    readonly_fields = [
        "classifier",
        "label",
        "queries",
        "count",
        "status",
        "task_id",
        "log",
        "created",
        "finished",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrainingJob)
class TrainingJobAdmin(admin.ModelAdmin):
    """Trainings started in the studio: read only; the studio's job page follows and acts."""

    list_display = ["__str__", "created", "status", "stage", "version", "requested_by"]
    list_filter = ["status", "classifier"]
    list_select_related = ["classifier", "version__classifier"]
    readonly_fields = [f.name for f in TrainingJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
