from django.urls import path

from . import views

app_name = "namegen"
urlpatterns = [
    path("names/", views.names, name="names"),
    path("api/names", views.api_names, name="api_names"),
]
