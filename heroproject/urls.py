from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("classifier.urls")),
    path("", include("namegen.urls")),
    path("quotes/", include("quotes.urls")),
    path("studio/", include("studio.urls")),
    path("heroes/", include("heroes.urls")),
    path("admin/", admin.site.urls),
]
