"""Pixels: untrusted image files decoded into RGB arrays (`images`), random augmentation for
training (`augment`, Keras layers) and class activation maps from a feature map and a head (`cam`).

Imports no Django and no app; `images` and `cam` are Pillow and numpy only, since the web workers
import them, and only `augment` loads Keras.
"""
