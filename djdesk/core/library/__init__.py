"""Library layer of the headless core."""
