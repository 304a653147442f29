"""Full-text search over what learners can read: lessons, scenarios, glossary terms, questions.

The index is the database's own: an FTS5 table on SQLite, a `tsvector` column with a GIN index
on PostgreSQL. `search.sources` says what goes in, `search.index` keeps it in step with edits,
`search.query` turns a visitor's words into a safe query and escaped, highlighted snippets.
"""
