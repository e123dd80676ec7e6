"""Authoring tools: code that makes the project's bundled data.

Nothing under `effiskel/`, `data_pipeline/` or `jobs/` imports this package
(authoring makes the data; the runtime reads it), and it is not installed.
"""
