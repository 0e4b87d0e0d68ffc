"""The bundled superhero-set (see data/README.md): the site works out of the box with it.

No Django here, so scripts (`bench/hero_clusters.py`) read the same files.
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
BUNDLED_POWERS = DATA / "super_hero_powers.csv"
BUNDLED_DETAILS = DATA / "heroes_information.csv"
