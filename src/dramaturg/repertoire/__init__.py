"""The three ladders: moments when codes clash, the cases they form, and the team's repertoire."""
