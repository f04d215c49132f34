"""A cache of optimal HiGHS bases between runs, keyed by the content of the LP.

After an optimal direct solve (`solve.py`) the basis HiGHS ends at (one status per column and
per row: lower, basic, upper, zero, nonbasic) is stored as `basis-<key>.npz` (two compressed
int8 arrays, `col_status` and `row_status`; ~6 KB at the reference resolution). The key is the
SHA-256 of the compiled LP (`handoff.CompiledLP`): the matrix (indptr, indices, data), the
column and row bounds, the costs, the objective constant and the sense, each as fixed-width
bytes; and of the solver options that decide which optimal vertex a cold solve ends at (the
algorithm, crossover, scaling, tolerances, threads: every option but the log and time limit,
`SOLUTION_NEUTRAL`). Names play no part: any change of data, scenario or code that changes one
number of the LP gives another key, and an identical LP solved with the same options (the same
scenario run again) finds its basis. HiGHS then starts at the optimal basis, needs no (or very
few) simplex iterations and returns the same vertex the cold solve returned. A run with another
algorithm misses: on a degenerate LP, simplex and interior point with crossover can end at
different optimal vertices, and a cached run must give the answer a cold run would.

Where: `$NPVI_CACHE_DIR`, else `$XDG_CACHE_HOME/npvi-model/bases`, else
`~/.cache/npvi-model/bases`. npvi creates the folder; it writes each entry atomically (temporary
file, then rename) and deletes only its own entries (names `basis-<64 hex>.npz`), keeping the
newest `MAX_ENTRIES`. A corrupt, unreadable or mismatched entry is ignored with a note on stderr
and the solve starts cold; the cache never makes a run fail. Clearing it: `npvi cache clear`
(only the cache's own entries) or `rm -r` the folder.

Near entries: an analyst edits a number and runs the scenario again. The LP then has another
key, but the same rows and columns in the same order, so the last optimal basis of that scenario
is a good start: after editing one parameter of a shipped path, 1,300-2,200 dual simplex
iterations instead of about 73,000 (README, Performance). Each store therefore also writes
`near-<key>.npz`, keyed by the scenario's name and the deciding options (`family_key`), which
holds the LP's *pattern* (shape and positions of the non-zeros, `pattern_key`) beside the
statuses. A solve that misses its exact key starts from its scenario's near entry if the
pattern is the same ("near"); another pattern (a year added, say) solves cold. The answer is
the cold one: the optimum is unique (tie-breaks, `unique_duals.py`), so the start decides only
how many iterations it takes (tests/test_basis_cache.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

#: how many entries the cache keeps (the newest by modification time)
MAX_ENTRIES = 50
#: the names of the files the cache writes; nothing else in the folder is ever touched
ENTRY = re.compile(r"^(basis|near)-[0-9a-f]{64}\.npz$")
_TMP = re.compile(r"^\.(basis|near)-[0-9a-f]{64}\.npz\.tmp-\d+-[0-9a-f]{8}$")
#: the two kinds of entry: the basis of one LP, and the last basis of a scenario's LP pattern
KINDS = ("basis", "near")


def cache_dir() -> Path:
    """The cache folder (not created here): `$NPVI_CACHE_DIR`, else
    `$XDG_CACHE_HOME/npvi-model/bases`, else `~/.cache/npvi-model/bases`."""
    explicit = os.environ.get("NPVI_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "npvi-model" / "bases"


#: HiGHS options that change the log or when a solve stops, never the vertex of an optimal solve
SOLUTION_NEUTRAL = frozenset({"output_flag", "log_to_console", "log_file", "time_limit"})


def lp_key(lp, options: Mapping[str, Any] | None = None) -> str:
    """SHA-256 (hex) of a `handoff.CompiledLP`'s numbers (shape, matrix, bounds, costs,
    objective constant and sense) and of the HiGHS `options` except `SOLUTION_NEUTRAL` ones
    (as sorted `name=repr(value)` lines)."""
    digest = _pattern_digest(lp, options)
    for part, dtype in (
        (lp.matrix.data, "<f8"),
        (lp.row_lower, "<f8"),
        (lp.row_upper, "<f8"),
        (lp.col_lower, "<f8"),
        (lp.col_upper, "<f8"),
        (lp.cost, "<f8"),
        (np.array([lp.offset]), "<f8"),
    ):
        _add(digest, part, dtype)
    return digest.hexdigest()


def family_key(label: str, options: Mapping[str, Any] | None) -> str:
    """SHA-256 (hex) of a near entry's family: the scenario's name `label` and the deciding
    `options`; known before the model is built (the runner asks `has_near`)."""
    digest = hashlib.sha256(_options_text(options).encode())
    digest.update(b"\nnear:" + label.encode())
    return digest.hexdigest()


def pattern_key(lp) -> str:
    """SHA-256 (hex) of an LP's pattern: shape, sense and the positions of its non-zeros; an
    edited number keeps it, an added year or asset changes it."""
    return _pattern_digest(lp, None).hexdigest()


def has_near(label: str, options: Mapping[str, Any] | None) -> bool:
    """Whether the scenario `label` solved with `options` has a near entry."""
    return entry_path(family_key(label, options), kind="near").is_file()


def _options_text(options: Mapping[str, Any] | None) -> str:
    return "\n".join(
        sorted(
            f"{name}={value!r}"
            for name, value in (options or {}).items()
            if name not in SOLUTION_NEUTRAL
        )
    )


def _pattern_digest(lp, options: Mapping[str, Any] | None):
    digest = hashlib.sha256(_options_text(options).encode())
    n_rows, n_cols = lp.matrix.shape
    digest.update(np.array([n_rows, n_cols, int(lp.maximise)], dtype="<i8").tobytes())
    _add(digest, lp.matrix.indptr, "<i8")
    _add(digest, lp.matrix.indices, "<i8")
    return digest


def _add(digest, part, dtype: str) -> None:
    array = np.ascontiguousarray(np.asarray(part, dtype=dtype))
    digest.update(np.array([array.size], dtype="<i8").tobytes())
    digest.update(array.tobytes())


def entry_path(key: str, folder: Path | None = None, kind: str = "basis") -> Path:
    """`basis-<key>.npz` (one LP) or `near-<key>.npz` (a family, `family_key`)."""
    return (folder or cache_dir()) / f"{kind}-{key}.npz"


def note(text: str) -> None:
    """One line on stderr: what the cache ignored or could not do."""
    print(f"note: basis cache: {text}", file=sys.stderr, flush=True)


def load(
    key: str,
    n_cols: int,
    n_rows: int,
    note: Callable[[str], None] = note,
    kind: str = "basis",
    pattern: str = "",
) -> tuple[np.ndarray, np.ndarray] | None:
    """The stored (col_status, row_status) for `key` (an entry of `kind`), or None: not
    cached, a near entry of another `pattern` (`pattern_key`), or an entry that is unreadable
    or does not fit an LP of `n_cols` columns and `n_rows` rows (then `note` says so and the
    entry is left as it is)."""
    path = entry_path(key, kind=kind)
    try:
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as entry:
            if kind == "near" and str(entry["pattern"]) != pattern:
                return None  # the scenario's LP has changed shape since: no near start
            cols = np.asarray(entry["col_status"])
            rows = np.asarray(entry["row_status"])
    except Exception as err:  # noqa: BLE001 - zip, numpy and OS errors alike: never fatal
        note(f"ignored the unreadable entry {path} ({type(err).__name__}); solving cold")
        return None
    fits = (
        cols.dtype == np.int8
        and rows.dtype == np.int8
        and cols.shape == (n_cols,)
        and rows.shape == (n_rows,)
        and cols.size + rows.size > 0
        and int(min(cols.min(initial=0), rows.min(initial=0))) >= 0
        and int(max(cols.max(initial=0), rows.max(initial=0))) <= 4
    )
    if not fits:
        note(f"ignored the entry {path}: it does not fit this model; solving cold")
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used entries are kept longest
    return cols, rows


def store(
    key: str,
    col_status,
    row_status,
    note: Callable[[str], None] = note,
    kind: str = "basis",
    pattern: str = "",
) -> Path | None:
    """Write the entry of `kind` for `key` (a near entry with the LP's `pattern`) atomically
    (temporary file in the cache folder, then rename); create the folder if needed; keep the
    newest MAX_ENTRIES entries of each kind. Any OS error gives a note, not a failure. Returns
    the entry's path, or None if nothing was written."""
    folder = cache_dir()
    target = entry_path(key, folder, kind)
    tmp = folder / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            arrays = {
                "col_status": np.asarray(col_status, dtype=np.int8),
                "row_status": np.asarray(row_status, dtype=np.int8),
            }
            if kind == "near":
                arrays["pattern"] = np.asarray(pattern)
            np.savez_compressed(handle, **arrays)
        os.replace(tmp, target)
    except OSError as err:
        note(f"could not write {target} ({err.strerror or type(err).__name__})")
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return None
    prune(folder)
    return target


def prune(folder: Path | None = None, keep: int = MAX_ENTRIES) -> list[Path]:
    """Delete all but the `keep` newest entries of each kind (files named
    `basis-<sha256>.npz` and `near-<sha256>.npz` in the cache folder) and temporary files of
    writers that died (`.basis-<sha256>.npz.tmp-<pid>-<hex>`, older than an hour); nothing
    else is touched. Returns what was deleted."""
    folder = folder or cache_dir()
    try:
        files = [e for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
        surplus = []
        for kind in KINDS:
            entries = [e for e in files if ENTRY.match(e.name) and e.name.startswith(kind)]
            entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
            surplus += entries[keep:]
        hour_ago = time.time() - 3600
        stale = [
            e
            for e in files
            if _TMP.match(e.name) and e.stat(follow_symlinks=False).st_mtime < hour_ago
        ]
    except OSError:
        return []
    removed = []
    for entry in surplus + stale:
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def clear(folder: Path | None = None) -> list[Path]:
    """Delete every entry the cache wrote (`npvi cache clear`); the folder and anything else
    in it stay. Returns what was deleted."""
    return prune(folder, keep=0)


def status_arrays(basis) -> tuple[np.ndarray, np.ndarray]:
    """A `highspy.HighsBasis` as two int8 arrays (HighsBasisStatus values 0-4)."""
    cols = np.fromiter((int(s) for s in basis.col_status), dtype=np.int8)
    rows = np.fromiter((int(s) for s in basis.row_status), dtype=np.int8)
    return cols, rows


def highs_basis(col_status: np.ndarray, row_status: np.ndarray):
    """Two int8 arrays as a valid `highspy.HighsBasis`."""
    import highspy

    statuses = [highspy.HighsBasisStatus(v) for v in range(5)]
    basis = highspy.HighsBasis()
    basis.col_status = [statuses[v] for v in col_status.tolist()]
    basis.row_status = [statuses[v] for v in row_status.tolist()]
    basis.valid = True
    return basis
