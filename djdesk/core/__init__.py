"""The headless core: everything DJDesk does, without a front end. Never imports Qt."""
