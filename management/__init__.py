"""The site's own management app: operator commands that span several apps, such as `bootstrap`.

The project's layout asks for a top-level `management/` package, and Django finds an app's
commands only in `<app>/management/commands/`, so this app's commands live in
`management/management/commands/`: the doubled name is Django's convention, not a mistake.
"""
