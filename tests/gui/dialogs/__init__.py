"""Tests for djdesk.gui.dialogs."""
