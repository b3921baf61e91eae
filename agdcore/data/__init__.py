"""Package data: the stored photograph (see README.md beside it)."""
