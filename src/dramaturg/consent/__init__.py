"""Adoption by consent, shared by everything a team adopts together (quality cards, repertoire
entries). `models` holds the abstract round, answer and version; `engine` the rules.
"""
