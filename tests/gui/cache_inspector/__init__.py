"""Tests for djdesk.gui.cache_inspector."""
