"""``djdesk config list | get KEY | set KEY VALUE | unset KEY``: the settings file from the shell.

The same settings the window's Settings dialog edits (key notation, BPM range, demo mode, rates
per provider, cache lifetimes, endpoints), read and validated by ``djdesk.core.settings`` and
saved atomically. Keys are dotted: ``key_notation``, ``rates.lastfm``, ``ttl.deezer.track``.
Rates are listed with the rate the engine actually plans (``runtime.planned_rates``), since a
default rate is planned from the provider's published window. Secrets are never here (see
``djdesk auth``).
"""

from __future__ import annotations

import argparse
from typing import Any

from djdesk.cli.render import print_json, print_table
from djdesk.core import settings as settings_mod
from djdesk.core.i18n import _
from djdesk.core.paths import default_paths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "config",
        help=_("show or change settings: key notation, rates, cache lifetimes, demo mode"),
        description=_(
            "Keys: key_notation (camelot, open_key, classic), bpm_min, bpm_max, demo (true or "
            "false), spotify_client_id, rates.PROVIDER (requests/s), ttl.NAMESPACE (seconds, "
            "or 90m, 12h, 30d), endpoints.PROVIDER (URL)."
        ),
    )
    # `djdesk config` alone is `config list`, so it takes --json too. SUPPRESS on both: a
    # sub-parser's default would overwrite `config --json list`'s flag.
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_("print JSON"))
    p.set_defaults(handler=lambda args: _list(args))
    actions = p.add_subparsers(dest="config_command", metavar="ACTION")
    ls = actions.add_parser("list", help=_("every setting, its value and the planned rates"))
    ls.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_("print JSON"))
    ls.set_defaults(handler=_list)
    get = actions.add_parser("get", help=_("print one setting's value"))
    get.add_argument("key", help=_("a dotted key, e.g. rates.lastfm"))
    get.set_defaults(handler=_get)
    put = actions.add_parser("set", help=_("change a setting (validated before it is saved)"))
    put.add_argument("key", help=_("a dotted key, e.g. key_notation"))
    put.add_argument("value", help=_("the new value"))
    put.set_defaults(handler=_set)
    unset = actions.add_parser("unset", help=_("put a setting back to its default"))
    unset.add_argument("key", help=_("a dotted key, e.g. ttl.deezer.track"))
    unset.set_defaults(handler=_unset)


def _load() -> settings_mod.Settings:
    return settings_mod.load(default_paths().settings_file)


def _save(settings: settings_mod.Settings) -> None:
    settings_mod.save(settings, default_paths().ensure().settings_file)


def _shown(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key.startswith("ttl."):
        return settings_mod.format_duration(float(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rows(settings: settings_mod.Settings) -> list[dict[str, Any]]:
    from djdesk.core.runtime import planned_rates  # the engine's own planning

    planned = planned_rates(settings)
    default = settings_mod.Settings()
    rows: list[dict[str, Any]] = []
    for key in settings_mod.setting_keys(settings):
        value = settings_mod.get_setting(settings, key)
        row: dict[str, Any] = {"key": key, "value": value}
        row["default"] = settings_mod.get_setting(default, key)
        if key.startswith("rates."):
            row["planned"] = planned[key.partition(".")[2]]
        rows.append(row)
    return rows


def _note(row: dict[str, Any]) -> str:
    if "planned" in row:
        return _("planned {rate:.2f}/s").format(rate=row["planned"])
    if row["key"] == "demo":
        return _("takes effect at the next start")
    return "" if row["value"] == row["default"] else _("changed")


def _list(args: argparse.Namespace) -> int:
    rows = _rows(_load())
    if getattr(args, "json", False):
        print_json(rows)
        return 0
    print_table(
        [_("key"), _("value"), _("default"), _("note")],
        [
            [r["key"], _shown(r["key"], r["value"]), _shown(r["key"], r["default"]), _note(r)]
            for r in rows
        ],
    )
    return 0


def _get(args: argparse.Namespace) -> int:
    print(_shown(args.key, settings_mod.get_setting(_load(), args.key)))
    return 0


def _set(args: argparse.Namespace) -> int:
    updated = settings_mod.set_setting(_load(), args.key, args.value)
    _save(updated)
    shown = _shown(args.key, settings_mod.get_setting(updated, args.key))
    print(_("{key} = {value}").format(key=args.key, value=shown))
    return 0


def _unset(args: argparse.Namespace) -> int:
    updated = settings_mod.unset_setting(_load(), args.key)
    _save(updated)
    shown = _shown(args.key, settings_mod.get_setting(updated, args.key))
    print(_("{key} = {value} (default)").format(key=args.key, value=shown))
    return 0
