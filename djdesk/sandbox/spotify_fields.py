"""Spotify's ``fields=`` filter: ``items(added_at,item(id,name,artists(name))),next,total``.

Keys not named are dropped; a sub-selection applies to an object or to each element of a list.
As on the real API in 2026, a filter that names ``track`` instead of ``item`` yields entries
without content (CONTRACT §7), which is exactly what old clients then see.
"""

from __future__ import annotations

from typing import Any

Selection = dict[str, "Selection | None"]


def parse_fields(text: str) -> Selection:
    """Parse the filter; raises ValueError on unbalanced parentheses."""
    root: Selection = {}
    stack: list[Selection] = [root]
    name = ""
    last: str | None = None
    for ch in text.replace(" ", "") + ",":
        if ch == "(":
            key = name or last
            if not key:
                raise ValueError("fields: '(' without a name")
            child: Selection = {}
            stack[-1][key] = child
            stack.append(child)
            name, last = "", None
        elif ch in ",)":
            if name:
                stack[-1][name] = None
                last = name
            name = ""
            if ch == ")":
                if len(stack) == 1:
                    raise ValueError("fields: unbalanced ')'")
                stack.pop()
        else:
            name += ch
    if len(stack) != 1:
        raise ValueError("fields: unbalanced '('")
    return root


def apply_fields(data: Any, selection: Selection | None) -> Any:
    if selection is None:
        return data
    if isinstance(data, list):
        return [apply_fields(item, selection) for item in data]
    if not isinstance(data, dict):
        return data
    return {k: apply_fields(data[k], sub) for k, sub in selection.items() if k in data}
