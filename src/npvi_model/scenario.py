"""Stage 1: scenario YAML -> resolved, validated `Scenario` with provenance (the format
itself, one pydantic model per section, is `scenario_schema.py`).

A scenario file may `extends:` another (a path relative to itself). Resolution merges the chain
from the root down: mappings merge key by key, lists are replaced, except `data_overrides`, which
accumulate (parent first). The resolved scenario records, for every value, the file that set it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from npvi_model.errors import InputError, Problem, did_you_mean
from npvi_model.scenario_schema import (  # noqa: F401 (the scenario format, re-exported)
    MAX_EXTENDS_CHAIN,
    MAX_MAGNITUDE,
    DataOverride,
    DemandPath,
    Parameters,
    ResolvedScenario,
    Scenario,
    SolverConfig,
    Strict,
    TieBreaks,
    TimeConfig,
)
from npvi_model.scenario_yaml import MAX_SCENARIO_BYTES, MAX_SCENARIO_VALUES  # noqa: F401
from npvi_model.scenario_yaml import read_yaml as _read_yaml
from npvi_model.sets import DATA_YEARS, SECTORS


def _merge(
    base: dict, child: dict, child_file: str, prov: dict[str, str], prefix: str = ""
) -> dict:
    """Merge `child` into `base`; record the file of every leaf value set by `child`."""
    out = dict(base)
    for key, value in child.items():
        dotted = f"{prefix}{key}"
        if key == "data_overrides" and not prefix:
            if not isinstance(value, list):
                out[key] = value  # the schema reports the wrong type
                prov[dotted] = child_file
                continue
            start = len(out.get(key) or [])
            out[key] = list(out.get(key) or []) + value
            for i in range(len(value)):
                prov[f"data_overrides[{start + i}]"] = child_file
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, child_file, prov, f"{dotted}.")
        else:
            out[key] = value
            for leaf in _leaves(value, dotted):
                prov[leaf] = child_file
            # a replaced mapping drops the parent's provenance below it
            for old in [
                k for k in prov if k.startswith(f"{dotted}.") and k not in _leaves(value, dotted)
            ]:
                del prov[old]
    return out


def _leaves(value: Any, prefix: str) -> list[str]:
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{prefix}.{k}")]
    return [prefix]


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _chain(
    path: Path, root: Path, allow_outside: bool, seen: list[Path]
) -> list[tuple[Path, dict]]:
    """The extends chain of `path`, root-most first."""
    path = path.resolve()
    shown = _shown(path)
    if path in seen:
        cycle = " -> ".join(_shown(p) for p in [*seen, path])
        raise InputError([Problem(shown, "extends", f"cycle in extends: {cycle}")])
    if len(seen) >= MAX_EXTENDS_CHAIN:
        raise InputError(
            [
                Problem(
                    _shown(seen[0]),
                    "extends",
                    f"the extends chain is longer than {MAX_EXTENDS_CHAIN} files (reached {shown})",
                )
            ]
        )
    data = _read_yaml(path, shown)
    parent = data.pop("extends", None)
    if parent is None:
        return [(path, data)]
    if not isinstance(parent, str) or not parent.strip():
        raise InputError(
            [
                Problem(
                    shown,
                    "extends",
                    f"value {parent!r}: expected a relative path to another scenario file",
                )
            ]
        )
    parent_path = (path.parent / parent).resolve()
    if not allow_outside and not parent_path.is_relative_to(root):
        raise InputError(
            [
                Problem(
                    shown,
                    "extends",
                    f"value '{parent}' points outside the "
                    f"scenario folder {_shown(root)}; pass --allow-outside-extends "
                    "to allow it",
                )
            ]
        )
    if not parent_path.is_file():
        raise InputError([Problem(shown, "extends", f"value '{parent}': file not found")])
    return [*_chain(parent_path, root, allow_outside, [*seen, path]), (path, data)]


def _allowed_keys(loc: tuple) -> list[str]:
    """Field names allowed at a location of the schema, for did-you-mean hints."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        model = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        if model is None:
            if part in ("production_index", "domestic_share"):
                return list(SECTORS)
            return []
    return list(getattr(model, "model_fields", {}))


def _dotted(loc: tuple, data: Any) -> str:
    """A pydantic error location as the scenario key: `a.b[2].c` (an integer is a list index
    only where the scenario has a list; elsewhere it is a mapping key such as a year)."""
    out, node = "", data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part, node.get(str(part))) if isinstance(node, dict) else None
    return out


def _problems_from(
    err: ValidationError, files: dict[str, str], default_file: str, data: Any = None
) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = tuple(e["loc"])
        dotted = _dotted(loc, data)
        file = _file_for(dotted, files, default_file)
        value = e.get("input")
        if e["type"] == "extra_forbidden":
            hint = did_you_mean(str(loc[-1]), _allowed_keys(loc))
            msg = f"unknown key '{loc[-1]}'{hint}"
        elif e["type"] == "literal_error":
            msg = f"value {value!r}: expected {e['ctx']['expected']}"
        else:
            text = e["msg"].removeprefix("Value error, ")
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            msg = f"value {shown}: {text}"
        problems.append(Problem(file, dotted, msg))
    return problems


def _file_for(dotted: str, prov: dict[str, str], default: str) -> str:
    key = dotted
    while key:
        if key in prov:
            return prov[key]
        hits = [f for k, f in prov.items() if k.startswith(key + ".") or k.startswith(key + "[")]
        if hits:
            return hits[-1]
        key = key.rsplit(".", 1)[0] if "." in key else ""
    return default


#: provenance of a value set from the command line (`--set`) or the API (`overrides=`)
OVERRIDE_SOURCE = "--set"


def expand_dotted(overrides: dict[str, Any]) -> dict[str, Any]:
    """{"parameters.discount_rate": 0.05} -> {"parameters": {"discount_rate": 0.05}}; nested
    mappings are kept as they are and merged with the dotted keys."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = str(key).split(".")
        node = out
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = {**node[parts[-1]], **value}
        else:
            node[parts[-1]] = value
    return out


#: a `--set` value is a scalar or a short list, never a document
MAX_SET_VALUE_CHARS = 1000


def parse_set_options(items: list[str]) -> dict[str, Any]:
    """`--set key.path=value` options as a nested dict; each value is read as YAML (so `0.05`
    is a number, `[2030, 2035]` a list, `max` a string). Raises InputError naming the option."""
    import yaml

    flat: dict[str, Any] = {}
    problems = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key or not re.fullmatch(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*", key):
            problems.append(
                Problem("command line", "--set", f"value {item!r}: expected key.path=value")
            )
            continue
        if len(text) > MAX_SET_VALUE_CHARS:
            problems.append(
                Problem(
                    "command line",
                    "--set",
                    f"value of {key!r} is {len(text)} characters, over {MAX_SET_VALUE_CHARS}",
                )
            )
            continue
        try:
            flat[key] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            problems.append(
                Problem("command line", "--set", f"value {item!r}: the value is not valid YAML")
            )
    if problems:
        raise InputError(problems)
    return expand_dotted(flat)


def _finish(
    chain: list[tuple[Path, dict]],
    top_shown: str,
    top_stem: str,
    overrides: dict[str, Any] | None,
) -> ResolvedScenario:
    merged: dict[str, Any] = {}
    prov: dict[str, str] = {}
    for file_path, data in chain:
        merged = _merge(merged, data, _shown(file_path), prov)
    if "name" not in chain[-1][1]:
        merged["name"] = top_stem
        prov["name"] = top_shown
    if overrides:
        merged = _merge(merged, expand_dotted(overrides), OVERRIDE_SOURCE, prov)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as err:
        raise InputError(_problems_from(err, prov, top_shown, merged)) from None
    from npvi_model.solver_options import option_problems

    bad_options = option_problems(scenario.solver.options)
    if bad_options:
        raise InputError(
            [
                Problem(
                    _file_for(f"solver.options.{name}", prov, top_shown),
                    f"solver.options.{name}",
                    message,
                )
                for name, message in bad_options.items()
            ]
        )
    missing = [y for y in scenario.years if y not in DATA_YEARS]
    if missing:
        raise InputError(
            [
                Problem(
                    _file_for("years", prov, top_shown),
                    "years",
                    f"years {missing} are outside the data years",
                )
            ]
        )
    return ResolvedScenario(
        scenario=scenario,
        files=[_shown(p) for p, _ in chain],
        provenance=dict(sorted(prov.items())),
        raw=merged,
    )


def resolve(
    path: str | Path, allow_outside: bool = False, overrides: dict[str, Any] | None = None
) -> ResolvedScenario:
    """Read a scenario file and its `extends` chain, merge, apply `overrides` (nested or dotted
    keys, provenance "--set"), validate. Raises InputError."""
    path = Path(path)
    root = path.resolve().parent
    chain = _chain(path, root, allow_outside, [])
    return _finish(chain, _shown(chain[-1][0]), chain[-1][0].stem, overrides)


def resolve_dict(
    data: dict[str, Any],
    base_dir: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    allow_outside: bool = False,
) -> ResolvedScenario:
    """A scenario given as a dict (as its YAML would read). `extends` is relative to `base_dir`
    (default: the current folder); without `name` the scenario is called "scenario". The dict
    shows in provenance as "<dict>". Raises InputError."""
    if not isinstance(data, dict):
        raise InputError([Problem("<dict>", "", f"expected a dict, got {type(data).__name__}")])
    base = Path(base_dir or Path.cwd()).resolve()
    data = dict(data)
    parent = data.pop("extends", None)
    chain: list[tuple[Path, dict]] = []
    if parent is not None:
        parent_path = (base / str(parent)).resolve()
        if not parent_path.is_file():
            raise InputError([Problem("<dict>", "extends", f"value '{parent}': file not found")])
        chain = _chain(parent_path, base, allow_outside, [])
    chain.append((Path("<dict>"), data))
    return _finish(chain, "<dict>", "scenario", overrides)


def interpolate_anchors(
    anchors: dict[int, float], years: list[int], default: float
) -> dict[int, float]:
    """Linear interpolation between anchor years, flat outside them; `default` without anchors."""
    if not anchors:
        return {y: default for y in years}
    points = sorted(anchors.items())
    out = {}
    for y in years:
        if y <= points[0][0]:
            out[y] = points[0][1]
        elif y >= points[-1][0]:
            out[y] = points[-1][1]
        else:
            for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
                if y0 <= y <= y1:
                    out[y] = v0 + (v1 - v0) * (y - y0) / (y1 - y0)
                    break
    return out
