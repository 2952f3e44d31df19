"""Tests for djdesk.gui.playlists."""
