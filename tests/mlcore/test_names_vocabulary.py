import numpy as np
import pytest

from mlcore.names.vocabulary import END, START, UnknownCharacters, Vocabulary

NAMES = ["Nidoran♀", "Farfetch'd", "Mr. Mime", "Type: Null", "Flabébé", "Ho-Oh"]


def test_round_trip():
    vocabulary = Vocabulary.from_names(NAMES)
    for name in NAMES:
        ids = vocabulary.encode(name)
        assert ids[0] == START and ids[-1] == END and len(ids) == len(name) + 2
        assert vocabulary.decode(ids) == name


def test_size_counts_start_and_end():
    assert len(Vocabulary.from_names(["abba", "cab"])) == 3 + 2


def test_unknown_characters_are_named():
    vocabulary = Vocabulary.from_names(NAMES)
    assert vocabulary.unknown("Pikachu!") == ["!", "P", "k"]
    with pytest.raises(UnknownCharacters, match="'!'") as caught:
        vocabulary.encode("Oh!")
    assert caught.value.chars == ["!"]


def test_padded_marks_the_padding():
    vocabulary = Vocabulary.from_names(["ab", "a"])
    inputs, targets = vocabulary.padded(["ab", "a"])
    a, b = vocabulary.ids["a"], vocabulary.ids["b"]
    np.testing.assert_array_equal(inputs, [[START, a, b], [START, a, END]])
    np.testing.assert_array_equal(targets, [[a, b, END], [a, END, -1]])
    assert vocabulary.one_hot(inputs).shape == (2, 3, len(vocabulary))
