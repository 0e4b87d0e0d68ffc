import pytest
from django.core.management import CommandError, call_command

from namegen.models import NameModelVersion
from namegen.namelist import BUNDLED_NAMES, read_names
from tests.factories import make_name_version

pytestmark = pytest.mark.django_db


def test_bundled_names_are_the_whole_national_dex():
    names = read_names(BUNDLED_NAMES)
    assert len(names) == 1025
    assert names[0] == "Bulbasaur" and names[-1] == "Pecharunt"
    for tricky in ["Nidoran♀", "Farfetch'd", "Mr. Mime", "Type: Null", "Flabébé", "Porygon-Z"]:
        assert tricky in names


def test_train_namegen_records_and_activates_a_version(tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("\n".join(read_names(BUNDLED_NAMES)[:80]), encoding="utf-8")
    call_command("train_namegen", names=str(names), epochs=2, units=16, seed=3)
    out = capsys.readouterr().out
    version = NameModelVersion.objects.get()
    assert version.active and version.number == 1
    assert (version.path / "weights.npz").exists()
    assert f"Validation NLL {version.val_nll:.3f}" in out and "bigram baseline" in out

    call_command("train_namegen", names=str(names), epochs=1, units=16, no_activate=True)
    assert NameModelVersion.objects.get(active=True).number == 1
    assert NameModelVersion.objects.get(number=2).active is False


def test_train_namegen_refuses_a_missing_or_tiny_file(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read .*missing.txt.*Nothing was trained"):
        call_command("train_namegen", names=str(tmp_path / "missing.txt"))
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("Pikachu\nRaichu\n", encoding="utf-8")
    with pytest.raises(CommandError, match="holds 2 names"):
        call_command("train_namegen", names=str(tiny))


def test_evaluate_namegen_reports_nll_and_skipped_names(name_model, tmp_path, capsys):
    names = tmp_path / "eval.txt"
    names.write_text("Pikachu\nBulbasaur\nZ\u00f8\u2603rk\n", encoding="utf-8")
    call_command("evaluate_namegen", names=str(names))
    lines = capsys.readouterr().out.strip().splitlines()
    assert "Scored 2 of 3 names." in lines
    assert any(
        line.startswith("Skipped 1 with characters outside the vocabulary") for line in lines
    )
    assert lines[-1].startswith("nll_per_char=")
    assert 0 < float(lines[-1].split("=")[1]) < 5


def test_generate_names_prints_names(name_model, capsys):
    call_command("generate_names", count=4, seed=1, only_new=True)
    assert len(capsys.readouterr().out.strip().splitlines()) == 4


def test_commands_without_a_model_fail_clearly(tmp_path):
    with pytest.raises(CommandError, match="train_namegen"):
        call_command("generate_names")


def test_a_corrupt_model_gives_a_clear_message(name_model, client, settings):
    name_model.directory = "namegen/missing"
    name_model.save()
    response = client.get("/api/names")
    assert response.status_code == 503
    assert "cannot be loaded" in response.json()["error"]


def test_admin_activates_and_rolls_back_name_model_versions(
    admin_client, name_model, trained_names_model
):
    other = make_name_version(trained_names_model, number=2, active=False)
    url = "/admin/namegen/namemodelversion/"
    admin_client.post(url, {"action": "activate_version", "_selected_action": [other.pk]})
    assert NameModelVersion.objects.get(active=True) == other
    admin_client.post(url, {"action": "roll_back_version", "_selected_action": [other.pk]})
    assert NameModelVersion.objects.get(active=True) == name_model
