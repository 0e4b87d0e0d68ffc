from django.contrib import admin

from heroproject.admin_actions import VERSION_ACTIONS

from .models import NameModelVersion


@admin.register(NameModelVersion)
class NameModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "active",
        "activated",
        "created",
        "units",
        "train_size",
        "val_nll",
        "bigram_val_nll",
    ]
    list_filter = ["active"]
    readonly_fields = [f.name for f in NameModelVersion._meta.fields]
    actions = VERSION_ACTIONS

    def has_add_permission(self, request):
        return False
