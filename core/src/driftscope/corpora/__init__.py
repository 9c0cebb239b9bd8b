"""Real public corpora for the built-in content model (fetched pinned from registry packages)."""
