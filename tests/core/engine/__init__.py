"""Tests for djdesk.core.engine."""
