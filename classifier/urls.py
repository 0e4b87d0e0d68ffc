from django.urls import path

from . import views

app_name = "classifier"
urlpatterns = [
    path("", views.home, name="home"),
    path("predictions/<int:pk>/", views.prediction_page, name="prediction"),
    path("predictions/<int:pk>/feedback", views.feedback, name="feedback"),
    path("predictions/<int:pk>/thumbnail.jpg", views.thumbnail, name="thumbnail"),
    path("predictions/<int:pk>/heatmap.png", views.heatmap, name="heatmap"),
    path("examples/<int:pk>/classify", views.classify_example, name="classify_example"),
    path("examples/<int:pk>/thumbnail.jpg", views.example_thumbnail, name="example_thumbnail"),
    path("api/", views.api_docs, name="api_docs"),
    path("classifiers/<slug:slug>/", views.classifier_page, name="detail"),
    path(
        "classifiers/<slug:slug>/v<int:number>/curves.png",
        views.plot,
        {"name": "curves"},
        name="curves",
    ),
    path(
        "classifiers/<slug:slug>/v<int:number>/confusion.png",
        views.plot,
        {"name": "confusion"},
        name="confusion",
    ),
    path("api/classify/<slug:slug>", views.api_classify, name="api_classify"),
]
