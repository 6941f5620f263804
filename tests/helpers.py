"""Small helpers shared by the page tests."""

from __future__ import annotations

from django.urls import reverse


def english(client):
    """Read the page in English (Dutch is the default)."""
    client.cookies["dramaturg_language"] = "en"
    return client


def card_url(name, card, *args):
    """The URL of a card page: cards:<name> with the card's school and id first."""
    return reverse(f"cards:{name}", args=[card.school.slug, card.pk, *args])
