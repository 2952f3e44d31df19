"""A collapsible tree of a JSON value (key, value, type) as a ``QStandardItemModel``.

Keys keep the stored order, as the Text tab shows them (the provider's own order). Large
payloads are cut at ``MAX_NODES`` items with a visible "… more" row, so selecting a huge
cached page never stalls the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QStandardItem, QStandardItemModel

from djdesk.core.i18n import _

MAX_NODES = 5000


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "number"
    )


def _leaf_text(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)}}}"
    if isinstance(value, list):
        return f"[{len(value)}]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "":
        return '""'  # an empty string, visibly not a missing value (null says "null")
    return str(value)


def build_json_model(value: Any, parent: Any = None) -> QStandardItemModel:
    model = QStandardItemModel(parent)
    model.setHorizontalHeaderLabels([_("Key"), _("Value"), _("Type")])
    budget = [MAX_NODES]

    def add(into: QStandardItem, key: str, val: Any) -> None:
        if budget[0] <= 0:
            return
        budget[0] -= 1
        row = [QStandardItem(key), QStandardItem(_leaf_text(val)), QStandardItem(_type_name(val))]
        for item in row:
            item.setEditable(False)
        into.appendRow(row)
        children = (
            val.items()
            if isinstance(val, dict)
            else enumerate(val)
            if isinstance(val, list)
            else ()
        )
        for k, v in children:
            if budget[0] <= 0:
                more = QStandardItem(_("… more (value truncated)"))
                more.setEditable(False)
                row[0].appendRow([more, QStandardItem(""), QStandardItem("")])
                return
            add(row[0], str(k), v)

    root = model.invisibleRootItem()
    if isinstance(value, dict):
        for k, v in value.items():
            add(root, str(k), v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            add(root, str(i), v)
    else:
        add(root, _("(value)"), value)
    return model
