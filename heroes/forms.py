from django import forms

MAX_QUERY = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name",
        required=False,
        max_length=MAX_QUERY,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": "e.g. Spider-Man",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class BuildForm(forms.Form):
    """Powers to build a hero from; the choices are the loaded powers (slug, name)."""

    powers = forms.MultipleChoiceField(
        label="Powers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one power."},
    )

    def __init__(self, *args, powers=(), **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["powers"].choices = [(power.slug, power.name) for power in powers]
        self.fields["powers"].error_messages["invalid_choice"] = (
            "%(value)s is not one of the powers this site knows."
        )
