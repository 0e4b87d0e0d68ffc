"""Networks and how they are served.

`backbones` names the feature extractors, `efficientnet_lite` is the EfficientNet-Lite0/1/2 port
whose ImageNet weights `torch_checkpoint` reads from PyTorch files without torch, `tapped` pools
features at several depths for charts, `export` writes a trained classifier's TFLite models (float32
and int8), `runtime` serves them with LiteRT and `loaded` keeps a model loaded once per process.
Imports no Django and no app. `runtime` and `loaded` load no TensorFlow (the web workers import
them); the rest do.
"""
