"""Quality cards: content (card, goals, interventions, agreements, indicators), the
discussion around them (comments, amendments) and their adoption (consent rounds, versions)."""

from dramaturg.cards.models.consent import CardVersion, ConsentAnswer, ConsentRound
from dramaturg.cards.models.content import Agreement, Card, Goal, Indicator, Intervention
from dramaturg.cards.models.discussion import Amendment, Comment, Target

__all__ = [
    "Agreement",
    "Amendment",
    "Card",
    "CardVersion",
    "Comment",
    "ConsentAnswer",
    "ConsentRound",
    "Goal",
    "Indicator",
    "Intervention",
    "Target",
]
