"""Admin actions shared by the apps' model versions."""

from django.contrib import admin, messages


@admin.action(description="Activate this version")
def activate_version(modeladmin, request, queryset):
    """Make the one selected version the one the site uses (versions have an activate())."""
    if queryset.count() != 1:
        modeladmin.message_user(request, "Select exactly one version.", messages.ERROR)
        return
    version = queryset.get()
    version.activate()
    modeladmin.message_user(request, f"{version} is now active.", messages.SUCCESS)
