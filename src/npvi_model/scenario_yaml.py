"""Reading one scenario file safely: size, UTF-8, YAML without Python tags, no duplicate keys,
and limits on values (after alias expansion) and nesting depth, so a hostile file can exhaust
neither memory nor the stack. Every problem is an InputError naming the file (and line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from npvi_model.errors import InputError, Problem

MAX_SCENARIO_BYTES = 1_000_000
MAX_SCENARIO_VALUES = 100_000
#: deepest nesting of mappings and lists a scenario may use (the schema needs 4)
MAX_SCENARIO_DEPTH = 20


def read_yaml(path: Path, shown: str) -> dict[str, Any]:
    """The mapping in a scenario file (without resolving `extends`); InputError if unusable."""
    if not path.is_file():
        raise InputError([Problem(shown, "", "file not found")])
    size = path.stat().st_size
    if size > MAX_SCENARIO_BYTES:
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    f"file is {size} bytes, over the limit of "
                    f"{MAX_SCENARIO_BYTES} bytes for a scenario",
                )
            ]
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            [Problem(shown, f"byte {err.start}", "not valid UTF-8 text (save the file as UTF-8)")]
        ) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    f"nested too deep for a scenario (limit {MAX_SCENARIO_DEPTH} levels)",
                )
            ]
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError([Problem(shown, where, f"broken YAML: {what}")]) from None
    if data is None:
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    "the scenario is empty; expected a mapping with at least `extends:` or `name:`",
                )
            ]
        )
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    shown, "", f"expected a mapping of keys to values, got a {type(data).__name__}"
                )
            ]
        )
    if _count_values(data, MAX_SCENARIO_VALUES) > MAX_SCENARIO_VALUES:
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    f"over {MAX_SCENARIO_VALUES} values once YAML "
                    "aliases (*name) are expanded; expected a small scenario",
                )
            ]
        )
    depth, where = _depth(data)
    if depth > MAX_SCENARIO_DEPTH:
        raise InputError(
            [
                Problem(
                    shown,
                    ".".join(where.split(".")[:3]) + ("..." if where.count(".") > 2 else ""),
                    f"nested {depth}+ levels deep, over the limit of {MAX_SCENARIO_DEPTH} levels",
                )
            ]
        )
    return data


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, refusing a key given twice in one mapping (else the last one would
    silently win)."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201
        seen: dict[Any, Any] = {}
        for key_node, _value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # an unhashable key: the schema reports it
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first on line {seen[key].line + 1}); "
                    "give each key once",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def _depth(data: Any) -> tuple[int, str]:
    """Deepest nesting of mappings and lists, and the dotted key where it is (iterative: a
    hostile file cannot exhaust the stack)."""
    deepest, where = 0, ""
    stack = [(data, 1, "")]
    while stack:
        item, level, path = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if level > deepest:
            deepest, where = level, path
        if level > MAX_SCENARIO_DEPTH:
            break  # deep enough to refuse; the rest is not walked
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, value in pairs:
            stack.append((value, level + 1, f"{path}.{key}" if path else str(key)))
    return deepest, where


def _count_values(data: Any, limit: int) -> int:
    """Number of values in nested mappings and lists, counting stops just past `limit` (an
    alias-bomb of a few hundred bytes would otherwise expand to billions of values)."""
    count, stack = 0, [data]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count
