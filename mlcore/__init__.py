"""heroproject's machine-learning code, in plain Python: no Django, no app of the site.

One package per concern:
- storage/: files and model directories written whole, bundles, untrusted zips, the names of a
  saved classifier's files; imports no other package of mlcore's
- vision/: untrusted image files decoded to pixels, augmentation, activation maps; imports no
  other package of mlcore's
- models/: backbones (the EfficientNet-Lite port), the features at several depths, TFLite exports
  and serving them with LiteRT
- training/: datasets scanned from folders, training, cross-validation, evaluation, comparison,
  plots, recipes, the progress protocol and a trained classifier's directory written
- names/, heroes/, charts/, scraping/: the name generator, heroes by power, drawn and real charts,
  collecting images and tables from the web

The web workers import only what loads no TensorFlow (vision.images, models.runtime, storage,
names.sampler, heroes, ...). tests/test_layering.py walks the imports and holds these rules, and
that no module imports itself back through others.
"""
