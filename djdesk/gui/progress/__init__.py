"""The enrichment progress panel: per-provider stats, overall progress and the log."""
