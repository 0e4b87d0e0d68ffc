import unicodedata

from django import forms

MAX_COUNT = 15
MAX_PREFIX = 12


class NameForm(forms.Form):
    count = forms.IntegerField(
        label="How many names",
        min_value=1,
        max_value=MAX_COUNT,
        initial=5,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    temperature = forms.FloatField(
        min_value=0.1,
        max_value=2.0,
        initial=1.0,
        help_text="Low: safe, familiar names. High: wilder ones. 0.1 to 2.0.",
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    prefix = forms.CharField(
        label="Starts with",
        required=False,
        max_length=MAX_PREFIX,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. Pi"}),
    )
    only_new = forms.BooleanField(label="Only names that are not real Pokémon", required=False)

    DEFAULTS = {"count": 5, "temperature": 1.0}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_prefix(self):
        return unicodedata.normalize("NFC", self.cleaned_data["prefix"])

    def error_text(self):
        """All errors on one line, for JSON answers."""
        return " ".join(
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in self.errors.items()
            for message in messages
        )
