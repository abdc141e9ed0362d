"""Data-subject rights, retention and minimisation (issue 5)."""
