"""Cross-cutting pieces: the base layout, language handling, home page and error pages."""
