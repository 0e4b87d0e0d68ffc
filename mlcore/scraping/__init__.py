"""Collecting training data from the web: HTTP with retries and a polite client (`http`), image
search in a real browser (`browser`, `engines`), downloads checked to be images (`downloads`), the
hygiene of a collected folder (`hygiene`: unreadable, small, copies and near copies), what was
collected and from where (`manifest`), and the name and superhero-power sites (`pokemon`,
`superherodb`, which also crawls the latter). Imports no Django, no app and no TensorFlow.
"""
