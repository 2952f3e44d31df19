"""The playlist browser: playlist list, track table with filters, and the details pane."""
