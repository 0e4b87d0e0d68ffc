from django.urls import path

from . import views

app_name = "heroes"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("build/", views.build, name="build"),
    path("clusters/<int:number>/", views.cluster, name="cluster"),
    # Hero slugs never take the names above (services.RESERVED_SLUGS).
    path("<slug:hero>/", views.hero, name="hero"),
]
