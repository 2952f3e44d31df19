"""One translation function for every user-visible string, shared by the CLI and the GUI.

English only for now; the catalog hook is here so strings are marked from day one.
"""

from __future__ import annotations

import gettext

_translation = gettext.NullTranslations()


def _(message: str) -> str:
    """Translate ``message`` for display."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (module-level constants)."""
    return message
