from django.contrib import admin

from .models import Quote


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["text", "author", "provider", "fetched_at"]
    list_filter = ["provider"]
    search_fields = ["text", "author"]
    date_hierarchy = "fetched_at"
