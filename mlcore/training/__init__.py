"""Training and measuring image classifiers.

`datasets` scans a folder into verified, de-duplicated train/val/test splits, `recipe` holds a
recipe's choices without TensorFlow (web forms offer them), `trainer` trains a head (and optionally
the top of the backbone), `crossval` repeats it over folds, `evaluation` and `plots` measure and
draw the results, `comparison` runs two saved classifiers on the same images, `classifier_store`
writes a trained classifier's directory (its exports, figures and manifest), and `progress` is
the one way every long job in mlcore reports how far it is.
Imports no Django and no app; `trainer`, `crossval` and `classifier_store` load TensorFlow, the
other modules do not.
"""
