import math

import pytest

from mlcore.names.bigram import Bigram
from mlcore.names.vocabulary import Vocabulary


def test_nll_per_char_by_hand():
    # Pairs in "ab", "b": START a, a b, b END, START b, b END. With alpha 1 over the
    # three possible next tokens (END, a, b): after START 1/5 2/5 2/5, after a 1/4 1/4 2/4,
    # after b 3/5 1/5 1/5.
    vocabulary = Vocabulary.from_names(["ab", "b"])
    bigram = Bigram(vocabulary, ["ab", "b"], alpha=1.0)
    expected = -(math.log(2 / 5) + math.log(1 / 5) + math.log(1 / 4)) / 3
    assert bigram.nll_per_char(["ba"]) == pytest.approx(expected)
    both = -(
        math.log(2 / 5) + math.log(2 / 4) + math.log(3 / 5) + math.log(2 / 5) + math.log(3 / 5)
    )
    assert bigram.nll_per_char(["ab", "b"]) == pytest.approx(both / 5)
