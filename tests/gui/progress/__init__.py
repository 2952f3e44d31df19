"""Tests for djdesk.gui.progress."""
