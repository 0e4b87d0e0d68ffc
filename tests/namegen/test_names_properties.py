"""Property: a names list in any form `train_namegen --names` claims to read (UTF-8 with or
without a byte-order mark, either line ending, blank lines, repeats, spaces around names) is read
exactly; a mutated one (re-encoded, a stray index column, a header, a table's rows, truncated) is
read as the part of the list it still holds or refused with a message naming the file and line,
and a refused file trains nothing. What `scrape_pokemon_names` writes reads back exactly, and a
name it could not write faithfully is refused before any file is written."""

import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from mlcore.names.namelist import SEPARATORS, problem
from mlcore.scraping.pokemon import LayoutError, clean, write_names
from namegen.models import NameModelVersion
from namegen.namelist import NameListError, read_names
from tests.properties import as_file, bounded, read_or_refusal

PROPERTY = bounded(80)
# Letters whose Latin-1 bytes can never pass for UTF-8 (no letters among 0x80-0xBF), digits and
# the punctuation names use.
LETTERS = st.characters(categories=["L"], exclude_characters="\u00aa\u00b5\u00ba")
NAME = (
    st.text(st.one_of(LETTERS, st.sampled_from(" -.'♀♂:2")), min_size=1, max_size=15)
    .map(clean)
    .filter(lambda name: name and problem(name) is None)
)


def names_lists():
    return st.lists(NAME, min_size=20, max_size=40, unique=True).filter(
        lambda names: problem(names[0], first=True) is None
    )


@st.composite
def files(draw, names):
    """A list as people write it: the bytes and the names it holds."""
    lines = []
    for name in names:
        lines += [""] * draw(st.integers(0, 1))
        lines.append(
            draw(st.sampled_from(["", " ", "\t"])) + name + draw(st.sampled_from(["", " "]))
        )
        if draw(st.integers(0, 9)) == 0:
            lines.append(name)  # a repeat
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + draw(st.sampled_from(["", ending]))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


def read(data):
    """The names read from these bytes, or the refusal's message."""
    return read_or_refusal(read_names, data, "names.txt", NameListError)


@PROPERTY
@given(st.data())
def test_every_form_of_a_list_is_read_exactly(data):
    names = data.draw(names_lists())
    assert read(data.draw(files(names))) == names


@pytest.mark.django_db
@bounded(40)
@given(st.data())
def test_a_mutated_list_is_read_as_it_now_is_or_refused_and_trains_nothing(data):
    names = data.draw(names_lists())
    text = "\n".join(names) + "\n"
    kind = data.draw(st.sampled_from(["utf-16", "latin-1", "index", "header", "table", "cut"]))
    if kind == "utf-16":
        mutated = text.encode("utf-16")
    elif kind == "latin-1":
        mutated = text.encode("latin-1", errors="replace") if text.isascii() else None
        mutated = mutated or text.encode("latin-1", errors="ignore") + "é\n".encode("latin-1")
    elif kind == "index":
        mutated = "".join(
            f"{i}{data.draw(st.sampled_from(SEPARATORS))}{n}\n" for i, n in enumerate(names)
        ).encode()
    elif kind == "header":
        mutated = ("name\n" + text).encode()
    elif kind == "table":
        mutated = "".join(f"{n};{n}\n" for n in names).encode()
    else:
        whole = text.encode()
        mutated = whole[: data.draw(st.integers(0, len(whole) - 1))]
    result = read(mutated)
    if isinstance(result, str):
        before = NameModelVersion.objects.count()
        with (
            as_file(mutated, "names.txt") as path,
            pytest.raises(CommandError, match="Nothing was trained"),
        ):
            call_command("train_namegen", names=str(path))
        assert NameModelVersion.objects.count() == before
        return
    assert kind in ("cut", "latin-1"), f"read {result[:3]} from a list that must be refused"
    if kind == "latin-1":
        assert result == names
    else:  # the names before the cut, the last one perhaps cut short
        assert result[:-1] == names[: max(len(result) - 1, 0)]
        assert not result or names[len(result) - 1].startswith(result[-1])


@given(names_lists())
@PROPERTY
def test_what_the_scraper_writes_reads_back_exactly(names):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "names.txt"
        write_names(names, path)
        assert read_names(path) == names


@given(names_lists(), st.data())
@PROPERTY
def test_a_name_the_scraper_cannot_write_faithfully_is_refused(names, data):
    bad = data.draw(st.sampled_from(["Mr.\nMime", " Mew", "Pika,chu", "25", "Tab\tby", "A" * 41]))
    names = [*names, bad]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "names.txt"
        path.write_bytes(b"before")
        with pytest.raises(LayoutError, match=f"species {len(names)}, .*no list is written"):
            write_names(names, path)
        assert path.read_bytes() == b"before"
