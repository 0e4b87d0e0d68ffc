"""Character-level GRU that makes up Pokémon names, and a bigram baseline to beat."""
