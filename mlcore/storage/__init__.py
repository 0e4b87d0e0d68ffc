"""What heroproject keeps on disk, written so that a crash never leaves half of it.

`files` writes one file whole, `model_dirs` a saved model's directory, `model_files` names what a
classifier's directory holds, `bundles` packs a saved model into one zip and reads one back
without trusting it, `archives` reads an uploaded zip of class folders without trusting it.
Standard library only: no Django, no app, no other package of mlcore's and no TensorFlow (the
web workers import all of it).
"""
