from django.contrib import admin, messages

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
    actions = ["activate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Activate this version")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version.", messages.ERROR)
            return
        version = queryset.get()
        version.activate()
        self.message_user(request, f"{version} is now active.", messages.SUCCESS)
