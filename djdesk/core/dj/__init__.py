"""Dj layer of the headless core."""
