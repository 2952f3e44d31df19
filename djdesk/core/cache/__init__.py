"""Cache layer of the headless core."""
