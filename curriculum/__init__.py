"""The curriculum's source files and how they reach the database.

`lessons/content/` (Markdown with front matter, YAML) is read here, checked, and loaded by
`manage.py load_curriculum`. Two layers, so dependencies point one way:

- `curriculum.validation` is low: plain checks over content (a scenario's case against the
  engine) that `lessons` and `quizzes` models call from `clean()`. It imports only the engine.
- the readers, the loader and the command are the top: they import `lessons` and `quizzes`
  models (and the question kinds' validators) because loading fills both.

    quizzes → lessons → curriculum.validation → srm_trainer.iam
    curriculum (readers, loader, command) → quizzes, lessons
"""
