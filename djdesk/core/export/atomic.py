"""Write a whole file or nothing: a crash or a full disk never leaves half an export.

The bytes go to a temporary file in the same folder, are flushed to the disk, and only then
replace the destination in one ``os.replace`` (atomic on every platform DJDesk runs on), so a
DJ's previous, good export survives any failure while the new one is written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from djdesk.core.errors import DiskFullError, StorageError
from djdesk.core.i18n import _


def write_atomic(dest: Path, data: bytes) -> None:
    """Blocking (disk I/O): call it in a worker thread from async code."""
    folder = dest.parent
    if not folder.is_dir():
        raise StorageError(
            _("The folder {folder} does not exist.").format(folder=folder),
            hint=_("Choose a folder that exists, or create it first."),
        )
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, dest)
    except OSError as exc:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(
                _("The disk is full: {name} was not written.").format(name=dest.name),
                hint=_("Free some space and export again; the previous file is unchanged."),
            ) from None
        raise StorageError(
            _("Could not write {path} ({reason}).").format(
                path=dest, reason=exc.strerror or type(exc).__name__
            ),
            hint=_("Choose a folder you may write to; the previous file is unchanged."),
        ) from None
