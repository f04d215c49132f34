"""Reading and validating the data tables of `data/` against the data dictionary (tables.py).

Every problem names the file, the row (its line number in the file) or column, the bad value and
what was expected. All problems of a file are collected before raising, so a user fixes them in
one pass.
"""

from __future__ import annotations

import hashlib
import math
import stat
from pathlib import Path

import pandas as pd

from npvi_model.errors import InputError, Problem, did_you_mean
from npvi_model.sets import DATA_YEARS
from npvi_model.tables import TABLES, TableSpec

MAX_TABLE_BYTES = 20_000_000
#: largest magnitude of any number in a data table: the largest value shipped is about 6e3,
#: and a value beyond this is no physical quantity in the tables' units (GW, Mt/yr, TWh,
#: EUR/MWh, EUR/kW); it would only overflow the objective
MAX_DATA_MAGNITUDE = 1e9
MAX_PROBLEMS_PER_FILE = 50
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def default_data_dir() -> Path:
    """The project's data/ folder (the repository root's, for an editable install)."""
    return DEFAULT_DATA_DIR


def _line(index: int) -> str:
    return f"row {index + 2}"  # header is line 1


def check_data_file(
    path: Path, shown: str, max_bytes: int = MAX_TABLE_BYTES, what: str = "data file"
) -> None:
    """Raise InputError unless `path` is a regular file (not a folder, device such as
    /dev/zero, or pipe) of at most `max_bytes`."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError([Problem(shown, "", f"{what} not found")]) from None
    except OSError as err:
        raise InputError([Problem(shown, "", f"cannot be read: {err.strerror}")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError([Problem(shown, "", "is a folder; expected a CSV file")])
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            [Problem(shown, "", "is not a regular file (a device or pipe); expected a CSV file")]
        )
    if info.st_size > max_bytes:
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    f"file is {info.st_size} bytes, over the limit of {max_bytes} bytes for a "
                    "data table",
                )
            ]
        )


def read_raw(path: Path, shown: str) -> pd.DataFrame:
    """Read a CSV as text cells, with clear errors for missing, huge or non-UTF-8 files."""
    check_data_file(path, shown)
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            [Problem(shown, f"byte {err.start}", "not valid UTF-8 text (save the file as UTF-8)")]
        ) from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError([Problem(shown, "", f"not a readable CSV table: {err}")]) from None


def _parse_number(text: str, kind: str) -> float | int:
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_DATA_MAGNITUDE:
        raise ValueError("not finite")
    if kind == "int":
        if value != int(value):
            raise ValueError("not a whole number")
        return int(value)
    return value


def validate_table(
    spec: TableSpec, raw: pd.DataFrame, shown: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a raw (text) table against its spec; return the typed table and the problems."""
    problems: list[Problem] = []
    raw = raw.rename(columns=lambda c: str(c).strip())
    for col in raw.columns:
        if col not in spec.column_names:
            problems.append(
                Problem(
                    shown,
                    f"column '{col}'",
                    "unknown column"
                    f"{did_you_mean(col, spec.column_names)}; expected columns: "
                    f"{', '.join(spec.column_names)}",
                )
            )
    missing = [c for c in spec.column_names if c not in raw.columns]
    for col in missing:
        problems.append(Problem(shown, f"column '{col}'", "missing column"))
    if problems:
        return raw, problems
    if raw.empty:
        return raw, [Problem(shown, "", "the table has no rows")]

    typed = pd.DataFrame(index=raw.index)
    for col in spec.columns:
        cells = raw[col.name].astype(str).str.strip()
        values: list = []
        for i, text in cells.items():
            if len(problems) >= MAX_PROBLEMS_PER_FILE:
                break
            where = f"{_line(i)}, column '{col.name}'"
            if text == "" or text.lower() in ("nan", "na", "null", "none"):
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"value {text!r}: empty or NaN cell, "
                        f"expected {col.kind} ({col.description})",
                    )
                )
                values.append(None)
                continue
            if col.kind in ("int", "float"):
                try:
                    value = _parse_number(text, col.kind)
                except ValueError:
                    problems.append(
                        Problem(
                            shown,
                            where,
                            f"value {text!r}: expected a finite "
                            f"{'whole ' if col.kind == 'int' else ''}number "
                            f"of magnitude at most {MAX_DATA_MAGNITUDE:g}",
                        )
                    )
                    values.append(None)
                    continue
                if col.minimum is not None and value < col.minimum:
                    problems.append(
                        Problem(
                            shown,
                            where,
                            f"value {text}: below the minimum {col.minimum:g} ({col.unit})",
                        )
                    )
                elif col.maximum is not None and value > col.maximum:
                    problems.append(
                        Problem(
                            shown,
                            where,
                            f"value {text}: above the maximum {col.maximum:g} ({col.unit})",
                        )
                    )
                values.append(value)
            else:
                if col.allowed is not None and text not in col.allowed:
                    problems.append(
                        Problem(
                            shown,
                            where,
                            f"value {text!r}: expected one of "
                            f"{', '.join(col.allowed)}{did_you_mean(text, col.allowed)}",
                        )
                    )
                values.append(text)
        typed[col.name] = pd.Series(values, index=cells.index[: len(values)], dtype=object)
    if problems:
        return typed, problems[:MAX_PROBLEMS_PER_FILE]
    for col in spec.columns:
        if col.kind == "float":
            typed[col.name] = typed[col.name].astype(float)
        elif col.kind == "int":
            typed[col.name] = typed[col.name].astype(int)

    problems += _check_keys(spec, typed, shown)
    problems += _check_units(spec, typed, shown)
    problems += _check_coverage(spec, typed, shown)
    problems += _check_year_order(spec, typed, shown)
    return typed, problems[:MAX_PROBLEMS_PER_FILE]


def _check_keys(spec: TableSpec, df: pd.DataFrame, shown: str) -> list[Problem]:
    dup = df.duplicated(list(spec.key), keep="first")
    problems = []
    for i in df.index[dup]:
        key = ", ".join(f"{k}={df.at[i, k]}" for k in spec.key)
        problems.append(Problem(shown, _line(i), f"duplicate row for {key}"))
    return problems


def _check_units(spec: TableSpec, df: pd.DataFrame, shown: str) -> list[Problem]:
    problems = []
    for by, rule in spec.unit_rules.items():
        parts = by.split(":")
        for i, row in df.iterrows():
            lookup = ":".join(str(row[p]) for p in parts)
            expected = rule.get(lookup)
            if expected is not None and row["unit"] != expected:
                problems.append(
                    Problem(
                        shown,
                        f"{_line(i)}, column 'unit'",
                        f"value "
                        f"{row['unit']!r}: the data dictionary gives '{expected}' "
                        f"for {by}={lookup}",
                    )
                )
    return problems


def _check_coverage(spec: TableSpec, df: pd.DataFrame, shown: str) -> list[Problem]:
    problems = []
    for col, required in spec.coverage.items():
        present = set(df[col])
        for value in required:
            if value not in present:
                problems.append(
                    Problem(
                        shown,
                        f"column '{col}'",
                        f"no rows for '{value}'; "
                        f"every one of {', '.join(map(str, required))} is needed",
                    )
                )
    if spec.year_column:
        group_cols = [k for k in spec.key if k != spec.year_column]
        for key, group in df.groupby(group_cols) if group_cols else [((), df)]:
            years = set(group[spec.year_column])
            missing = [y for y in DATA_YEARS if y not in years]
            if missing:
                label = ", ".join(f"{c}={v}" for c, v in zip(group_cols, key, strict=False))
                shown_years = missing if len(missing) < 6 else f"{missing[:5]}... ({len(missing)})"
                problems.append(
                    Problem(
                        shown,
                        label,
                        f"missing years {shown_years}; every year "
                        f"{DATA_YEARS[0]}-{DATA_YEARS[-1]} is needed",
                    )
                )
    return problems


def _check_year_order(spec: TableSpec, df: pd.DataFrame, shown: str) -> list[Problem]:
    year_col = next((c for c in ("year", "from_year") if c in spec.column_names), None)
    if year_col is None or year_col not in spec.key:
        return []
    group_cols = [k for k in spec.key if k != year_col]
    problems = []
    for _, group in df.groupby(group_cols, sort=False) if group_cols else [((), df)]:
        years = list(group[year_col])
        for (i_prev, y_prev), (i, y) in zip(
            zip(group.index, years, strict=False),
            zip(group.index[1:], years[1:], strict=False),
            strict=False,
        ):
            if y < y_prev:
                problems.append(
                    Problem(
                        shown,
                        _line(i),
                        f"value {y}: years out of order ({y} follows {y_prev} at {_line(i_prev)})",
                    )
                )
    return problems


def load_tables(
    data_dir: Path, names: list[str] | None = None
) -> tuple[dict[str, pd.DataFrame], str]:
    """Read and validate tables; return them and the SHA-256 of the files read.

    Raises InputError with every problem of every table.
    """
    names = names or [n for n, s in TABLES.items() if not s.derivation_only]
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    digest = hashlib.sha256()
    for name in sorted(names):
        spec = TABLES[name]
        path = data_dir / spec.file
        shown = _shown(path)
        try:
            raw = read_raw(path, shown)
        except InputError as err:
            problems += err.problems
            continue
        digest.update(spec.file.encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        typed, table_problems = validate_table(spec, raw, shown)
        problems += table_problems
        tables[name] = typed
    if problems:
        raise InputError(problems)
    return tables, digest.hexdigest()


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
