"""Dialogs: settings and login, and error messages from core errors."""
