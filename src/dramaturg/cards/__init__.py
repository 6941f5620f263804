"""Quality cards (kwaliteitskaarten). For now: the four stages of the dramaturgical lens."""
