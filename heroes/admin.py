"""Heroes, powers and clusters in the admin: to look at. They are rebuilt whole by every import
(`import_hero_powers`, `bootstrap`), so editing one row here would leave the clustering stale."""

from django.contrib import admin, messages
from django.utils.html import format_html_join

from . import services
from .models import Cluster, Clustering, Hero, HeroSnapshot, Power


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hero)
class HeroAdmin(ReadOnly):
    list_display = ["name", "cluster", "power_count", "publisher", "alignment", "has_details"]
    list_filter = ["cluster", "alignment", "has_details", "publisher"]
    search_fields = ["name", "search_key"]
    list_select_related = ["cluster"]
    fields = [
        "name",
        "slug",
        "cluster",
        "power_list",
        "power_count",
        "publisher",
        "alignment",
        "gender",
        "race",
        "height_cm",
        "weight_kg",
        "eye_color",
        "hair_color",
        "skin_color",
        "has_details",
        "x",
        "y",
    ]
    readonly_fields = ["power_list"]

    @admin.display(description="powers")
    def power_list(self, hero):
        return ", ".join(hero.powers.order_by("name").values_list("name", flat=True)) or "-"

    def view_on_site(self, hero):
        return hero.get_absolute_url()


@admin.register(Power)
class PowerAdmin(ReadOnly):
    list_display = ["name", "hero_count", "column"]
    search_fields = ["name"]
    ordering = ["-hero_count", "name"]
    fields = ["name", "slug", "hero_count", "column", "hero_list"]
    readonly_fields = ["hero_list"]

    @admin.display(description="heroes")
    def hero_list(self, power):
        return ", ".join(power.heroes.order_by("name").values_list("name", flat=True)) or "-"


@admin.register(Cluster)
class ClusterAdmin(ReadOnly):
    list_display = ["number", "name", "size", "no_powers"]
    fields = ["clustering", "number", "name", "size", "no_powers", "distinctive_powers"]
    readonly_fields = ["distinctive_powers"]

    @admin.display(description="distinctive powers (share here, among all, lift)")
    def distinctive_powers(self, cluster):
        return format_html_join(
            ", ",
            "{} ({:.0%}, {:.0%}, {:.1f}x)",
            ((p["power"], p["share"], p["base"], p["lift"]) for p in cluster.top_powers),
        )

    def view_on_site(self, cluster):
        return cluster.get_absolute_url()


@admin.register(Clustering)
class ClusteringAdmin(ReadOnly):
    list_display = [
        "created",
        "source",
        "hero_count",
        "power_count",
        "k",
        "criterion_value",
        "silhouette",
        "baseline_silhouette",
    ]
    exclude = ["placement"]


@admin.register(HeroSnapshot)
class HeroSnapshotAdmin(ReadOnly):
    """The heroes each import replaced: one can be put back (refitted, as it was)."""

    list_display = ["created", "source", "hero_count", "power_count", "seed"]
    exclude = ["data"]
    actions = ["restore"]

    @admin.action(description="Restore these heroes (in place of the site's)")
    def restore(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one set of heroes to restore.", messages.ERROR)
            return
        try:
            report = services.restore(queryset.get())
        except services.HeroImportError as error:
            self.message_user(request, f"{error} Nothing was changed.", messages.ERROR)
            return
        clustering = report.clustering
        self.message_user(
            request,
            f"Restored {clustering.hero_count} heroes and {clustering.power_count} powers in "
            f"{clustering.k} clusters; the heroes they replaced are kept here in turn.",
            messages.SUCCESS,
        )
