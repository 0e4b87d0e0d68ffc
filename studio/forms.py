import re
from urllib.parse import urlencode

from django import forms

from mlcore.training import recipe
from mlcore.training.datasets import TEST_FRACTION, VAL_FRACTION
from mlcore.vision import images

from . import collecting, review


class TrainingForm(forms.Form):
    """The recipe options of train_classifier, with its defaults."""

    backbone = forms.ChoiceField(
        choices=[(name, name) for name in recipe.BACKBONE_NAMES],
        initial=recipe.DEFAULT_BACKBONE,
        help_text="The pretrained network under the new classifier. Lite0 is the quickest, "
        "Lite2 the most accurate; scratch learns from nothing (needs many images).",
    )
    epochs = forms.IntegerField(
        min_value=1,
        max_value=200,
        initial=recipe.DEFAULT_EPOCHS,
        help_text="The most passes over the images; training stops sooner when the validation "
        "loss stops falling.",
    )
    fine_tune = forms.IntegerField(
        label="Layers to fine-tune",
        min_value=0,
        max_value=200,
        initial=recipe.DEFAULT_FINE_TUNE,
        help_text="After the new head, also train this many top layers of the backbone: often "
        "better, several times slower. 0 trains the head only.",
    )
    augment_copies = forms.IntegerField(
        label="Augmented copies",
        min_value=0,
        max_value=10,
        initial=recipe.DEFAULT_AUGMENT_COPIES,
        help_text="Flipped, turned and recoloured copies of each training image: more variety "
        "for small datasets. 0 turns augmentation off.",
    )
    fit = forms.ChoiceField(
        choices=[(fit, fit) for fit in images.FITS],
        initial="letterbox",
        help_text="How an image becomes a square: letterbox keeps all of it with bars, crop "
        "cuts the sides, stretch squeezes it.",
    )
    input_size = forms.IntegerField(
        label="Input size (px)",
        required=False,
        min_value=32,
        max_value=512,
        help_text="Leave empty for the backbone's own size; smaller is quicker.",
    )
    test_fraction = forms.FloatField(
        min_value=0.05,
        max_value=0.5,
        initial=TEST_FRACTION,
        help_text="Share of each class held out to measure the new version.",
    )
    seed = forms.IntegerField(initial=0, help_text="The same seed draws the same splits.")
    cv = forms.IntegerField(
        label="Cross-validation folds",
        required=False,
        min_value=0,
        max_value=10,
        initial=0,
        help_text="First train this many times, each tested on a different part of the images, "
        "for an accuracy as mean +/- sd that a small test split cannot give (that many times "
        "slower). 0 skips it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_cv(self):
        folds = self.cleaned_data["cv"] or 0
        if folds == 1:
            raise forms.ValidationError("Use 0 (none), or 2 folds or more.")
        return folds

    def options(self):
        """train_version's keyword arguments for the cleaned data."""
        data = self.cleaned_data
        return {
            "scan": {
                "seed": data["seed"],
                "val_fraction": VAL_FRACTION,
                "test_fraction": data["test_fraction"],
            },
            "backbone": data["backbone"],
            "epochs": data["epochs"],
            "fine_tune": data["fine_tune"],
            "augment": data["augment_copies"] > 0,
            "augment_copies": max(1, data["augment_copies"]),
            "fit": data["fit"],
            "input_size": data["input_size"],
            "seed": data["seed"],
            "cv": data["cv"],
        }


def split_lines(value, separators=r"[\n,]"):
    return [item.strip() for item in re.split(separators, value or "") if item.strip()]


class ClassifierForm(forms.Form):
    title = forms.CharField(max_length=120)
    slug = forms.SlugField(
        max_length=50, help_text="Its name in addresses and folders: letters, digits, - and _."
    )
    classes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, or separated by commas. One is enough to start; training "
        "needs two.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_classes(self):
        return split_lines(self.cleaned_data["classes"])


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; each is checked by the dataset, not here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in files if upload]


class ImagesForm(forms.Form):
    label = forms.CharField(widget=forms.HiddenInput)
    images = MultipleFileField(
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text="Up to 100 at a time; more in a zip.",
    )


class ZipForm(forms.Form):
    archive = forms.FileField(
        label="Zip of class folders",
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
        help_text="One folder per class with its images in it (CLASS/IMAGE).",
        error_messages={"required": "Choose a zip file to add."},
    )
    new_classes = forms.BooleanField(
        label="Add new classes", required=False, help_text="for folders without a class yet"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class ClassForm(forms.Form):
    name = forms.CharField(label="New class", max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class CollectForm(forms.Form):
    label = forms.ChoiceField(label="Class")
    queries = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Searches, one per line; or the addresses of gallery pages.",
    )
    count = forms.IntegerField(
        min_value=1,
        max_value=1000,
        initial=100,
        help_text="The number of images the class should have.",
    )

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["label"].choices = [(name, name) for name in classes]

    def clean_queries(self):
        queries = split_lines(self.cleaned_data["queries"], r"\n")
        if len(queries) > 20:
            raise forms.ValidationError("At most 20 queries at a time.")
        if any(len(query) > 500 for query in queries):
            raise forms.ValidationError("A query is longer than 500 characters.")
        try:
            collecting.engine_for(queries)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return queries


class ReviewFilterForm(forms.Form):
    """Which predictions the review queue shows: by version, by predicted class, by day."""

    version = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    predicted = forms.ChoiceField(label="Predicted class", required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, classifier, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = classifier.versions.order_by("-number").values_list("number", "labels")
        versions = list(versions)
        self.fields["version"].choices = [("", "All versions")] + [
            (number, f"v{number}") for number, _ in versions
        ]
        labels = sorted({label for _, labels in versions for label in labels})
        self.fields["predicted"].choices = [("", "All classes")] + [(name, name) for name in labels]

    def filters(self):
        return review.Filters(**self.cleaned_data)

    def query(self):
        """The filters as a query string ("" without any), to keep them across requests."""
        return urlencode({name: self.data[name] for name in self.fields if self.data.get(name)})
