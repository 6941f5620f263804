"""Text lengths shared across apps.

A card's texts and the library sources whose texts become a card's interventions share one
limit; it lives here, below both `sources` and `cards`, so neither imports the other for it.
"""

TEXT_MAX = 4000
