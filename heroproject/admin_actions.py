"""Admin actions on model versions, the same for every app (heroproject.versions)."""

from django.contrib import admin, messages

from heroproject import versions


def one_version(modeladmin, request, queryset):
    """The one selected version, or None after telling the admin to select exactly one."""
    if queryset.count() != 1:
        modeladmin.message_user(request, "Select exactly one version.", messages.ERROR)
        return None
    return queryset.get()


@admin.action(description="Activate this version")
def activate_version(modeladmin, request, queryset):
    version = one_version(modeladmin, request, queryset)
    if version is not None:
        versions.make_active(version)
        modeladmin.message_user(request, f"{version} is now active.", messages.SUCCESS)


@admin.action(description="Roll back: activate the version that was active before this one")
def roll_back_version(modeladmin, request, queryset):
    version = one_version(modeladmin, request, queryset)
    if version is None:
        return
    previous = versions.roll_back(version)
    if previous is None:
        modeladmin.message_user(
            request, f"No version was active before {version}: nothing changed.", messages.WARNING
        )
    else:
        modeladmin.message_user(request, f"{previous} is active again.", messages.SUCCESS)


VERSION_ACTIONS = [activate_version, roll_back_version]
