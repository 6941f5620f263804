"""Card views: `content` (read and edit a card) and `team` (discuss, amend, consent, versions)."""
