"""Tests for djdesk.core.dj (keys, tempo)."""
