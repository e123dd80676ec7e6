"""The effiskel commands, one module each: `effiskel VERB ...` is `python -m jobs.VERB ...`.

A stage's module parses its config (effiskel/config.py) before it imports Ray or torch,
so bad input and `--help` cost neither.
"""
