"""The staff training studio: make a classifier in the browser, from images to an active version.

Staff create a classifier and its classes, add images (files, a zip of class folders, visitors'
predictions), train on the task queue (a worker process, never a web worker), watch the progress,
compare the new version with the active one and activate it or roll back.
"""
