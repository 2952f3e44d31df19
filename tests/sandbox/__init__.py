"""Tests for the offline provider sandbox (djdesk.sandbox)."""
