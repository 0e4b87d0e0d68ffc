from django import forms

from . import selectors
from .models import ImageClassifier


class UploadForm(forms.Form):
    classifier = forms.ModelChoiceField(
        queryset=ImageClassifier.objects.none(),
        to_field_name="slug",
        empty_label=None,
        label="Classifier",
    )
    image = forms.FileField(
        label="Image",
        help_text="JPEG, PNG, GIF, WebP, BMP or TIFF.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        error_messages={"required": "Choose an image to classify.", "empty": "The file is empty."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["classifier"].queryset = selectors.with_active_version(selectors.in_service())


class FeedbackForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("correct", "Yes"), ("wrong", "No")])
    label = forms.ChoiceField(required=False, choices=[], label="It is")

    def __init__(self, labels, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["label"].choices = [("", "choose...")] + [(label, label) for label in labels]

    def clean(self):
        data = super().clean()
        if data.get("verdict") == "wrong" and not data.get("label"):
            self.add_error("label", "Say what it is.")
        return data
