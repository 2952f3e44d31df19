"""Net layer of the headless core."""
