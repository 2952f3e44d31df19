"""Tests for the SQLite KV cache."""
