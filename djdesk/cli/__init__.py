"""The headless front end: ``djdesk <command>``. Never imports Qt."""
