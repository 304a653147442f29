"""Import and export of quizzes and question banks: our JSON format and Moodle's GIFT.

Plain modules, so the views, the management commands and the tests call the same code:

- `drafts`: what a file describes (quiz settings, questions, scenarios), before any checks,
  and the located error every reader raises;
- `json_format`: our own format (docs/question-format.md), both ways, exactly round-tripping;
- `gift`: Moodle's GIFT text for single choice, multiple select and true/false, both ways;
- `importer`: checks a file's drafts with the models' own validation, then writes them all in
  one transaction, or nothing.
"""
