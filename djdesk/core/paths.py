"""Where DJDesk keeps its files: platformdirs locations, or all under ``DJDESK_HOME``.

``DJDESK_HOME=/some/dir`` puts config, data, cache, state and logs in sub-folders of one folder,
for tests and portable installs. Nothing here creates a folder until it is asked to.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from djdesk import APP_NAME


@dataclass(frozen=True, slots=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def cache_db(self) -> Path:
        """The disposable KV cache: safe to delete at any time."""
        return self.cache_dir / "cache.sqlite3"

    @property
    def library_db(self) -> Path:
        """The user's playlists, tracks and enrichment: never deleted by DJDesk."""
        return self.data_dir / "library.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "djdesk.log"

    def as_dict(self) -> dict[str, str]:
        files = {
            "settings_file": self.settings_file,
            "cache_db": self.cache_db,
            "library_db": self.library_db,
            "log_file": self.log_file,
        }
        return {k: str(v) for k, v in {**asdict(self), **files}.items()}

    def ensure(self) -> Paths:
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def default_paths(environ: dict[str, str] | None = None) -> Paths:
    env = os.environ if environ is None else environ
    home = env.get("DJDESK_HOME")
    if home:
        root = Path(home).expanduser().absolute()
        return Paths(root / "config", root / "data", root / "cache", root / "logs")
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Paths(
        Path(dirs.user_config_dir),
        Path(dirs.user_data_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_log_dir),
    )
