"""``djdesk cache ...``: look into, clean, move and invalidate the local cache of provider answers.

Entries are named ``NAMESPACE:KEY`` on the command line (``deezer.track:3135556``); the
namespace is everything before the first ``:``. A namespace argument also covers its dotted
children, so ``djdesk cache bump deezer`` invalidates every ``deezer.*`` namespace.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from djdesk.cli.render import print_json, print_table
from djdesk.core import settings as settings_mod
from djdesk.core.cache import queries, schema
from djdesk.core.cache.policy import DEFAULT_TTLS, is_within, validate_namespace
from djdesk.core.cache.store import CacheStore
from djdesk.core.errors import InputError
from djdesk.core.i18n import _
from djdesk.core.paths import default_paths

KEY_HELP = _("an entry as NAMESPACE:KEY, e.g. deezer.track:3135556")
NS_HELP = _("a namespace such as deezer.track; 'deezer' also covers every deezer.* namespace")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cache",
        help=_("inspect and manage the local cache of provider answers"),
        description=_(
            "The cache keeps provider answers in one SQLite file (see `djdesk paths`). "
            "Entries are named NAMESPACE:KEY, e.g. deezer.track:3135556. It is safe to "
            "delete: anything missing is fetched again."
        ),
    )
    p.set_defaults(handler=lambda args: _usage(p))
    cmds = p.add_subparsers(dest="cache_command", metavar="ACTION")

    def add(name: str, help_text: str, handler: Callable[..., Awaitable[int]]) -> Any:
        c = cmds.add_parser(name, help=help_text, description=help_text)
        c.add_argument("--json", action="store_true", help=_("print JSON"))
        c.set_defaults(handler=lambda args: _run(handler, args))
        return c

    add("stats", _("entries, size, hits and misses per namespace"), _stats)
    ls = add("ls", _("list entries, sorted and paged in the database"), _ls)
    ls.add_argument("namespace", nargs="?", type=_namespace_arg, metavar="NAMESPACE", help=NS_HELP)
    ls.add_argument("--search", metavar="TEXT", help=_("only keys containing TEXT"))
    ls.add_argument("--limit", type=int, default=50, metavar="N", help=_("rows (default 50)"))
    ls.add_argument("--offset", type=int, default=0, metavar="N", help=_("skip N rows"))
    ls.add_argument("--sort", choices=schema.SORTABLE, default="key", help=_("sort column"))
    ls.add_argument("--desc", action="store_true", help=_("sort descending"))
    ls.add_argument(
        "--all-versions", action="store_true", help=_("include rows of old namespace versions")
    )
    add("show", _("show one entry with its value"), _show).add_argument("key", help=KEY_HELP)
    add("rm", _("delete one entry"), _rm).add_argument("key", help=KEY_HELP)
    add("expire", _("expire one entry now (kept for use when its provider is down)"), _expire)
    cmds.choices["expire"].add_argument("key", help=KEY_HELP)
    purge = add(
        "purge", _("delete every entry of a namespace, or the whole cache with --yes"), _purge
    )
    purge.add_argument(
        "namespace", nargs="?", type=_namespace_arg, metavar="NAMESPACE", help=NS_HELP
    )
    purge.add_argument("--yes", action="store_true", help=_("do not ask before purging all"))
    purge.set_defaults(handler=lambda args: _run(_purge, args) if _confirm_purge(args) else 1)
    bump = add("bump", _("invalidate a namespace at once (old rows are swept later)"), _bump)
    bump.add_argument("namespace", type=_namespace_arg, metavar="NAMESPACE", help=NS_HELP)
    add("vacuum", _("sweep invalidated and long-expired rows and compact the file"), _vacuum)
    export = add(
        "export", _("write the cache to a portable JSON Lines file (.gz to compress)"), _export
    )
    export.add_argument("file", type=Path, metavar="FILE")
    imp = add("import", _("merge a file written by `djdesk cache export`"), _import)
    imp.add_argument("file", type=Path, metavar="FILE")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _run(handler: Callable[..., Awaitable[int]], args: argparse.Namespace) -> int:
    async def main() -> int:
        paths = default_paths().ensure()
        overrides = settings_mod.load(paths.settings_file).ttl
        store = await CacheStore.open(paths.cache_db, ttl_overrides=overrides)
        try:
            if store.recovered is not None:
                print(f"warning: {store.recovered}", file=sys.stderr)
            return await handler(store, args)
        finally:
            await store.aclose()

    return asyncio.run(main())


def _namespace_arg(text: str) -> str:
    """argparse type: a malformed namespace is a usage error, not a traceback from the DB."""
    try:
        return validate_namespace(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a namespace; use lower-case dotted words like deezer.track"
        ) from None


def _split_key(text: str) -> tuple[str, str]:
    ns, sep, key = text.partition(":")
    try:
        validate_namespace(ns)
    except ValueError:
        sep = ""
    if not sep or not key:
        raise InputError(
            f"{text!r} is not an entry name.",
            hint="Write NAMESPACE:KEY, e.g. deezer.track:3135556.",
        )
    return ns, key


async def _check_known(store: CacheStore, ns: str | None) -> None:
    """A typo (``deezr``) would list nothing, purge nothing or bump a namespace nobody reads."""
    if ns is None:
        return
    known = set(DEFAULT_TTLS) | set(await store.stats())
    if not any(is_within(name, ns) for name in known):
        tops = ", ".join(sorted({name.split(".")[0] for name in known}))
        raise InputError(
            f"The cache has no namespace {ns!r}.",
            hint=f"Namespaces start with {tops}; `djdesk cache stats` lists them all.",
        )


def _when(ts: float | None) -> str:
    if ts is None:
        return ""
    return _dt.datetime.fromtimestamp(ts, _dt.UTC).strftime("%Y-%m-%d %H:%M")


def _days(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds / 86400:g}d" if seconds >= 86400 else f"{seconds / 3600:g}h"


async def _stats(store: CacheStore, args: argparse.Namespace) -> int:
    stats = await store.stats()
    rows = [s.as_dict() | {"ttl": store.policy.ttls.get(ns)} for ns, s in stats.items()]
    for ns in DEFAULT_TTLS:
        if ns not in stats:
            rows.append(
                {"namespace": ns, "version": 0, "entries": 0, "bytes": 0, "hits": 0, "misses": 0,
                 "negative_hits": 0, "stale_hits": 0, "writes": 0, "expirations": 0,
                 "hit_rate": None, "ttl": store.policy.ttls[ns]}
            )  # fmt: skip
    rows.sort(key=lambda r: r["namespace"])
    totals = {k: sum(r[k] for r in rows) for k in ("entries", "bytes", "hits", "misses")}
    if args.json:
        print_json({"path": str(store.path), "namespaces": rows, "totals": totals})
        return 0
    print(f"{store.path}")
    print_table(
        ["namespace", "ver", "entries", "bytes", "hits", "misses", "neg", "stale", "writes",
         "expired", "hit %", "ttl"],
        [[r["namespace"], r["version"], r["entries"], r["bytes"], r["hits"], r["misses"],
          r["negative_hits"], r["stale_hits"], r["writes"], r["expirations"],
          "" if r["hit_rate"] is None else f"{100 * r['hit_rate']:.0f}", _days(r["ttl"])]
         for r in rows],
    )  # fmt: skip
    print(_("total: {entries} entries, {bytes} bytes").format(**totals))
    return 0


async def _ls(store: CacheStore, args: argparse.Namespace) -> int:
    await _check_known(store, args.namespace)
    q = queries.CacheQueries(store)
    filters = {"namespace": args.namespace, "search": args.search, "include_old": args.all_versions}
    rows = await q.page(
        **filters, order_by=args.sort, descending=args.desc, offset=args.offset, limit=args.limit
    )
    total = await q.count(**filters)
    if args.json:
        print_json({"total": total, "offset": args.offset, "entries": [r.as_dict() for r in rows]})
        return 0
    print_table(
        ["entry", "neg", "created", "expires", "hits", "size", "state"],
        [[f"{r.namespace}:{r.key}", "yes" if r.negative else "", _when(r.created),
          _when(r.expires), r.hits, r.size,
          "old version" if not r.current else ("expired" if r.expired else "fresh")]
         for r in rows],
    )  # fmt: skip
    print(_("{shown} of {total} entries").format(shown=len(rows), total=total))
    return 0


async def _show(store: CacheStore, args: argparse.Namespace) -> int:
    ns, key = _split_key(args.key)
    row = await queries.CacheQueries(store).entry(ns, key)
    if row is None:
        raise InputError(f"No cache entry {args.key}.", hint="List entries with `djdesk cache ls`.")
    if args.json:
        print_json(row.as_dict())
        return 0
    fields = row.as_dict()
    value = fields.pop("value", None)
    fields.pop("preview", None)
    for name in ("created", "expires", "last_hit"):
        fields[name] = _when(fields[name])
    print_table(["field", "value"], fields.items())
    print_json(value)
    return 0


async def _rm(store: CacheStore, args: argparse.Namespace) -> int:
    ns, key = _split_key(args.key)
    done = await store.delete(ns, key)
    return _report(args, {"entry": args.key, "deleted": done}, _("deleted") if done else None)


async def _expire(store: CacheStore, args: argparse.Namespace) -> int:
    ns, key = _split_key(args.key)
    done = await store.expire(ns, key)
    return _report(args, {"entry": args.key, "expired": done}, _("expired") if done else None)


def _report(args: argparse.Namespace, data: dict[str, Any], done: str | None) -> int:
    if args.json:
        print_json(data)
    elif done:
        print(f"{data['entry']}: {done}")
    else:
        print(_("{entry}: no such entry").format(entry=data["entry"]), file=sys.stderr)
    return 0 if done else 1


def _confirm_purge(args: argparse.Namespace) -> bool:
    """Asked before the store opens (never block the event loop on ``input``)."""
    if args.namespace is not None or args.yes:
        return True
    if not sys.stdin.isatty():
        raise InputError(
            "Purging the whole cache needs confirmation.",
            hint="Add --yes (required when not run interactively), or name a namespace.",
        )
    answer = input(_("Delete every entry in the cache? [y/N] "))
    if answer.strip().lower() in ("y", "yes"):
        return True
    print(_("nothing deleted"))
    return False


async def _purge(store: CacheStore, args: argparse.Namespace) -> int:
    await _check_known(store, args.namespace)
    removed = await store.purge(args.namespace)
    if args.json:
        print_json({"namespace": args.namespace, "deleted": removed})
    else:
        print(_("deleted {n} entries").format(n=removed))
    return 0


async def _bump(store: CacheStore, args: argparse.Namespace) -> int:
    await _check_known(store, args.namespace)
    version = await store.bump(args.namespace)
    if args.json:
        print_json({"namespace": args.namespace, "version": version})
    else:
        print(_("{ns}: now version {v}; older entries are ignored").format(
            ns=args.namespace, v=version))  # fmt: skip
    return 0


async def _vacuum(store: CacheStore, args: argparse.Namespace) -> int:
    result = await store.vacuum()
    if args.json:
        print_json(result)
    else:
        print(_("swept {swept} rows; {bytes_before} -> {bytes_after} bytes").format(**result))
    return 0


async def _export(store: CacheStore, args: argparse.Namespace) -> int:
    n = await store.export(args.file)
    if args.json:
        print_json({"file": str(args.file), "entries": n})
    else:
        print(_("exported {n} entries to {file}").format(n=n, file=args.file))
    return 0


async def _import(store: CacheStore, args: argparse.Namespace) -> int:
    result = await store.import_(args.file)
    if args.json:
        print_json({"file": str(args.file), **result})
    else:
        print(_("imported {imported} entries ({skipped} older ones skipped)").format(**result))
    return 0
