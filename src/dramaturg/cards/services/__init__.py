"""Writes for quality cards. Every function takes the acting user and checks permission.

- content: create cards (blank or from a template), edit items with optimistic locking,
  add, remove and reorder items, move a card through its states;
- discussion: comments and amendments;
- consent: consent rounds, answers, adoption and versions.
"""
