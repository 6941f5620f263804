"""The demo: a board, schools, staff, cards, rounds, a repertoire and networks to try out.

Above every app, because it builds data of all of them; nothing in an app imports it. An app in
INSTALLED_APPS only so that Django finds the `dramaturg demo` command; it has no models.
"""
