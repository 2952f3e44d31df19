"""App-independent widgets (FeelUOwn rule: nothing here knows DJDesk services)."""
