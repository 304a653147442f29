"""Signals the curriculum sends, so apps built on it can follow along without being imported."""

from django.dispatch import Signal

# Sent by `load_curriculum` inside its transaction, after everything is written (the search
# index rebuilds itself on it).
curriculum_loaded = Signal()
