from django.urls import path

from .views import datasets, review, training

app_name = "studio"
urlpatterns = [
    # datasets: classifiers, classes and images (studio/views/datasets.py)
    path("", datasets.index, name="index"),
    path("create", datasets.create, name="create"),
    path("<slug:slug>/", datasets.classifier_page, name="classifier"),
    path("<slug:slug>/images/", datasets.add_images, name="add_images"),
    path("<slug:slug>/zip/", datasets.add_zip, name="add_zip"),
    path("<slug:slug>/classes/", datasets.add_class, name="add_class"),
    path(
        "<slug:slug>/images/<str:label>/<str:name>/remove",
        datasets.remove_image,
        name="remove_image",
    ),
    path("<slug:slug>/images/<str:label>/<str:name>", datasets.image, name="image"),
    path("<slug:slug>/predictions/", datasets.add_predictions, name="add_predictions"),
    path("<slug:slug>/collect/", datasets.collect, name="collect"),
    path(
        "<slug:slug>/collect/<int:pk>/cancel",
        datasets.cancel_collection,
        name="cancel_collection",
    ),
    path("<slug:slug>/examples/", datasets.pick_examples, name="pick_examples"),
    # the review queue: label visitors' uploads (studio/views/review.py)
    path("<slug:slug>/review/", review.queue, name="review"),
    path("<slug:slug>/review/verdict", review.verdict, name="verdict"),
    # training: jobs, their progress, comparing and activating versions (studio/views/training.py)
    path("<slug:slug>/train/", training.train, name="train"),
    path("<slug:slug>/roll-back", training.roll_back, name="roll_back"),
    path("jobs/<int:pk>/", training.job_page, name="job"),
    path("jobs/<int:pk>/cancel", training.cancel, name="cancel"),
    path("jobs/<int:pk>/activate", training.activate, name="activate"),
    path("jobs/<int:pk>/try", training.try_version, name="try"),
]
