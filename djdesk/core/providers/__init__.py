"""Providers layer of the headless core."""
