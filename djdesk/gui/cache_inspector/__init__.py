"""The cache inspector: namespaces, paged entries, JSON view and maintenance actions."""
