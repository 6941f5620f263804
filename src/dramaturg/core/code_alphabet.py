"""The letters of the codes people type (a class's code, a single-use code).

No 0/O, 1/I/L, 5/S, 2/Z, 8/B: codes are read off paper and typed on phones. Here, below every
app, because the log redaction (core) must recognise a code as well as the surveys that issue
them.
"""

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
