import unicodedata
from pathlib import Path

NAMES = Path(__file__).parents[2] / "namegen" / "data" / "pokemon_names.txt"


def test_all_species_in_national_dex_order():
    text = NAMES.read_text(encoding="utf-8")
    names = text.splitlines()
    assert text == unicodedata.normalize("NFC", text) and text.endswith("\n")
    assert len(names) == len(set(names)) == 1025
    assert names[0] == "Bulbasaur" and names[150] == "Mew" and names[-1] == "Pecharunt"
    for name in ["Nidoran♀", "Nidoran♂", "Farfetch'd", "Mr. Mime", "Type: Null", "Flabébé"]:
        assert name in names
    assert names.index("Porygon-Z") == 473 and names.index("Ho-Oh") == 249
    assert all(name == name.strip() and name for name in names)
