"""Engine layer of the headless core."""
