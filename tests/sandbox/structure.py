"""Structural comparison of JSON bodies: keys and JSON types, recursively, lists by element shape.

Rules (also written in docs/SANDBOX.md): numbers are one type (int and float alike); a key is
"required" when every element of the sample's list carries it, and only required keys are
reported as missing; keys the sample never shows are reported as extra; a sample value of
``null`` accepts any sandbox type (the sample only proves the field is nullable); empty lists
carry no element shape and are not compared inside.
"""

from __future__ import annotations

import fnmatch
from typing import Any

Shape = dict[str, Any]  # JSON type name -> detail


def shape_of(value: Any) -> Shape:
    if value is None:
        return {"null": None}
    if isinstance(value, bool):
        return {"boolean": None}
    if isinstance(value, int | float):
        return {"number": None}
    if isinstance(value, str):
        return {"string": None}
    if isinstance(value, list):
        element: Shape | None = None
        for item in value:
            element = merge(element, shape_of(item))
        return {"array": element}
    if isinstance(value, dict):
        return {"object": (1, {k: (1, shape_of(v)) for k, v in value.items()})}
    raise TypeError(type(value))


def merge(a: Shape | None, b: Shape | None) -> Shape | None:
    if a is None:
        return b
    if b is None:
        return a
    out: Shape = dict(a)
    for kind, detail in b.items():
        if kind not in out:
            out[kind] = detail
        elif kind == "array":
            out[kind] = merge(out[kind], detail)
        elif kind == "object":
            (n1, keys1), (n2, keys2) = out[kind], detail
            keys = dict(keys1)
            for k, (count, sub) in keys2.items():
                if k in keys:
                    keys[k] = (keys[k][0] + count, merge(keys[k][1], sub))
                else:
                    keys[k] = (count, sub)
            out[kind] = (n1 + n2, keys)
    return out


def differences(sample: Shape | None, sandbox: Shape | None, path: str = "$") -> list[str]:
    """Each difference as ``"<kind> <path>"``; kinds: missing, extra, type, null, nullable."""
    if sample is None or sandbox is None:
        return []
    out: list[str] = []
    s_types, b_types = set(sample) - {"null"}, set(sandbox) - {"null"}
    if s_types and not b_types:
        return [f"null {path}"]
    if s_types and b_types and s_types != b_types:
        out.append(f"type {path}")
    if "null" in sandbox and "null" not in sample and s_types:
        out.append(f"nullable {path}")
    if "object" in sample and "object" in sandbox:
        (n, s_keys), (_, b_keys) = sample["object"], sandbox["object"]
        for key, (count, sub) in s_keys.items():
            child = f"{path}.{key}"
            if key not in b_keys:
                if count == n:
                    out.append(f"missing {child}")
                continue
            out += differences(sub, b_keys[key][1], child)
        out += [f"extra {path}.{key}" for key in b_keys if key not in s_keys]
    if "array" in sample and "array" in sandbox:
        out += differences(sample["array"], sandbox["array"], f"{path}[]")
    return out


def allowed(diff: str, sample_name: str, allow: list[tuple[str, str, str]]) -> bool:
    """True if a row (sample glob, path glob, kinds) covers ``diff``; ``[]`` is literal."""
    kind, path = diff.split(" ", 1)
    return any(
        fnmatch.fnmatchcase(sample_name, s)
        and fnmatch.fnmatchcase(path, p.replace("[]", "[[]]"))
        and kind in k.split("/")
        for s, p, k in allow
    )
