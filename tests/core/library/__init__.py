"""Tests for djdesk.core.library."""
