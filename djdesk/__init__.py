"""DJDesk: import playlists and enrich every track for DJs. Cheap to import and Qt-free."""

__version__ = "0.1.0"
APP_ID = "org.djdesk.DJDesk"
APP_NAME = "DJDesk"
