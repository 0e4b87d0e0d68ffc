from django.contrib import admin

from heroproject.admin_actions import activate_version

from .models import NameModelVersion


@admin.register(NameModelVersion)
class NameModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "active",
        "created",
        "units",
        "train_size",
        "val_nll",
        "bigram_val_nll",
    ]
    list_filter = ["active"]
    readonly_fields = [f.name for f in NameModelVersion._meta.fields]
    actions = [activate_version]

    def has_add_permission(self, request):
        return False
