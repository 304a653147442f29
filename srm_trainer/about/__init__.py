"""Pages about the app itself: how it is secured, and what the person running it must do."""
