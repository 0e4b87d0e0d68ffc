"""Pokémon-like names, one character at a time.

`vocabulary` maps characters to numbers, `gru` trains the character-level GRU (Keras) with a
`bigram` baseline to beat, `store` saves and loads a name model's weights as numpy arrays,
`sampler` generates names from them with numpy alone, and `namelist` holds the rules of a name
list (what a name may contain, how lists are written and read).
Imports no Django and no app; only `gru` loads TensorFlow: the web workers generate names with
`store` and `sampler`.
"""
