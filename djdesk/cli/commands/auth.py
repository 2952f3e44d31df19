"""``djdesk auth``: Spotify login/logout/status, the Last.fm key, and which secrets are stored.

Secrets are read from a prompt or stdin, never from argv (argv shows up in ``ps`` and shell
history), and status output names secrets without ever printing a value.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import sys
from typing import Any

from djdesk.cli.render import print_json, print_table
from djdesk.core import settings as settings_mod
from djdesk.core.errors import InputError, ProviderError
from djdesk.core.i18n import _
from djdesk.core.paths import default_paths
from djdesk.core.providers.lastfm import KEY_NAME as LASTFM_KEY
from djdesk.core.providers.spotify_auth import TOKEN_NAME, TokenSet
from djdesk.core.secrets import SecretStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "auth", help=_("log in to Spotify, set the Last.fm key, show what is stored")
    )
    services = p.add_subparsers(dest="auth_command", metavar="SERVICE")
    p.set_defaults(handler=lambda args: _usage(p))

    status = services.add_parser("status", help=_("which secrets are stored (never their values)"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))
    status.set_defaults(handler=handle_status)

    spotify = services.add_parser("spotify", help=_("Spotify login"))
    spotify.set_defaults(handler=lambda args: _usage(spotify))
    actions = spotify.add_subparsers(dest="spotify_command", metavar="ACTION")
    login = actions.add_parser("login", help=_("log in through your browser (PKCE)"))
    login.add_argument(
        "--timeout", type=float, default=300.0, help=_("seconds to wait for the browser")
    )
    login.set_defaults(handler=handle_spotify_login)
    actions.add_parser("logout", help=_("forget the Spotify login")).set_defaults(
        handler=handle_spotify_logout
    )
    sp_status = actions.add_parser("status", help=_("whether you are logged in"))
    sp_status.add_argument("--json", action="store_true", help=_("print JSON"))
    sp_status.set_defaults(handler=handle_spotify_status)

    lastfm = services.add_parser("lastfm", help=_("the Last.fm API key"))
    lastfm.set_defaults(handler=lambda args: _usage(lastfm))
    lf_actions = lastfm.add_subparsers(dest="lastfm_command", metavar="ACTION")
    set_key = lf_actions.add_parser(
        "set-key", help=_("store your Last.fm API key (asked for, or read from stdin)")
    )
    set_key.add_argument(
        "--no-check",
        action="store_true",
        help=_("store it without asking Last.fm whether it works (offline)"),
    )
    set_key.set_defaults(handler=handle_lastfm_set_key)
    lf_actions.add_parser("remove-key", help=_("forget the Last.fm API key")).set_defaults(
        handler=handle_lastfm_remove_key
    )


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _settings() -> settings_mod.Settings:
    return settings_mod.load(default_paths().settings_file)


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="seconds")


# --- status --------------------------------------------------------------------------------------


def handle_status(args: argparse.Namespace) -> int:
    store = SecretStore()
    report: dict[str, Any] = {
        "keyring": store.backend_name,
        "keyring_available": store.available,
        "secrets": store.status() if store.available else {},
        "spotify_client_id_set": bool(_settings().spotify_client_id),
    }
    if not store.available:
        report["keyring_problem"] = store.why_unavailable
    if args.json:
        print_json(report)
        return 0
    rows = [
        (name, _("stored") if present else _("not set"))
        for name, present in report["secrets"].items()
    ]
    rows.append(
        ("spotify_client_id", _("set") if report["spotify_client_id_set"] else _("not set"))
    )
    print_table([_("secret"), _("state")], rows)
    print(_("keyring: {name}").format(name=report["keyring"]))
    if not store.available:
        print(_("keyring problem: {why}").format(why=store.why_unavailable))
    return 0


# --- spotify -------------------------------------------------------------------------------------


def handle_spotify_login(args: argparse.Namespace) -> int:
    tokens = asyncio.run(_login(args.timeout))
    print(_("Logged in to Spotify (scope: {scope}).").format(scope=tokens.scope or "-"))
    return 0


async def _login(browser_wait: float) -> TokenSet:
    from djdesk.core.runtime import Runtime

    def show(url: str) -> None:
        print(
            _(
                "Opening your browser to log in to Spotify. If it does not open, visit:\n{url}"
            ).format(url=url),
            file=sys.stderr,
        )

    async with Runtime.open() as rt:
        return await rt.clients.spotify_auth.login(on_url=show, browser_wait=browser_wait)


def handle_spotify_logout(args: argparse.Namespace) -> int:
    removed = SecretStore().delete(TOKEN_NAME)
    print(_("Logged out of Spotify.") if removed else _("You were not logged in to Spotify."))
    return 0


def handle_spotify_status(args: argparse.Namespace) -> int:
    raw = SecretStore().get(TOKEN_NAME)
    tokens = TokenSet.from_json(raw) if raw else None
    report: dict[str, Any] = {"logged_in": tokens is not None}
    if tokens is not None:
        report["scope"] = tokens.scope
        report["access_token_expires_at"] = _iso(tokens.expires_at)
    report["client_id_set"] = bool(_settings().spotify_client_id)
    if args.json:
        print_json(report)
    elif tokens is None:
        print(_("Not logged in to Spotify. Run `djdesk auth spotify login`."))
    else:
        print(
            _("Logged in to Spotify (scope: {scope}); access token valid until {when}.").format(
                scope=tokens.scope or "-", when=report["access_token_expires_at"]
            )
        )
    return 0


# --- last.fm -------------------------------------------------------------------------------------


def read_secret_input(prompt: str) -> str:
    """A secret from a hidden prompt on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt).strip()
    return sys.stdin.readline().strip()


def handle_lastfm_set_key(args: argparse.Namespace) -> int:
    key = read_secret_input(_("Last.fm API key: "))
    if not key:
        raise InputError(
            _("No key was given."),
            hint=_("Type it at the prompt, or pipe it in: `djdesk auth lastfm set-key < keyfile`."),
        )
    from djdesk.core.providers.lastfm_key import check_shape

    key = check_shape(key)
    if not args.no_check:
        try:
            key = asyncio.run(_check_lastfm_key(key))
        except ProviderError as exc:  # Last.fm could not say (down, busy, unreachable)
            raise InputError(
                exc.message, hint=_("Try again later, or store it unchecked with --no-check.")
            ) from None
    store = SecretStore()
    store.set(LASTFM_KEY, key)
    print(_("Last.fm key saved in {where}.").format(where=store.backend_name))
    return 0


async def _check_lastfm_key(key: str) -> str:
    from djdesk.core.providers.lastfm_key import check_key_with
    from djdesk.core.runtime import Runtime

    async with Runtime.open() as rt:
        return await check_key_with(rt.orchestrator, rt.settings.endpoints["lastfm"], key)


def handle_lastfm_remove_key(args: argparse.Namespace) -> int:
    removed = SecretStore().delete(LASTFM_KEY)
    print(_("Last.fm key removed.") if removed else _("No Last.fm key was stored."))
    return 0
