"""The glossary: every term the course uses, with a short definition, the lesson that teaches
it and related terms. Loaded from `lessons/content/glossary.yaml` with the curriculum.

Built on lessons (a term points at the lesson that teaches it); lessons never import it. The
lesson pages link a term's first use through `lessons.hooks`, which this app registers with.
"""
