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
ENTRY = re.compile(r"^basis-[0-9a-f]{64}\.npz$")
_TMP = re.compile(r"^\.basis-[0-9a-f]{64}\.npz\.tmp-\d+-[0-9a-f]{8}$")


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
    digest = hashlib.sha256()
    chosen = sorted(
        f"{name}={value!r}"
        for name, value in (options or {}).items()
        if name not in SOLUTION_NEUTRAL
    )
    digest.update("\n".join(chosen).encode())
    n_rows, n_cols = lp.matrix.shape
    digest.update(np.array([n_rows, n_cols, int(lp.maximise)], dtype="<i8").tobytes())
    for part, dtype in (
        (lp.matrix.indptr, "<i8"),
        (lp.matrix.indices, "<i8"),
        (lp.matrix.data, "<f8"),
        (lp.row_lower, "<f8"),
        (lp.row_upper, "<f8"),
        (lp.col_lower, "<f8"),
        (lp.col_upper, "<f8"),
        (lp.cost, "<f8"),
        (np.array([lp.offset]), "<f8"),
    ):
        array = np.ascontiguousarray(np.asarray(part, dtype=dtype))
        digest.update(np.array([array.size], dtype="<i8").tobytes())
        digest.update(array.tobytes())
    return digest.hexdigest()


def entry_path(key: str, folder: Path | None = None) -> Path:
    return (folder or cache_dir()) / f"basis-{key}.npz"


def note(text: str) -> None:
    """One line on stderr: what the cache ignored or could not do."""
    print(f"note: basis cache: {text}", file=sys.stderr, flush=True)


def load(
    key: str, n_cols: int, n_rows: int, note: Callable[[str], None] = note
) -> tuple[np.ndarray, np.ndarray] | None:
    """The stored (col_status, row_status) for `key`, or None: not cached, or the entry is
    unreadable or does not fit an LP of `n_cols` columns and `n_rows` rows (then `note` says
    so and the entry is left as it is)."""
    path = entry_path(key)
    try:
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as entry:
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


def store(key: str, col_status, row_status, note: Callable[[str], None] = note) -> Path | None:
    """Write the entry for `key` atomically (temporary file in the cache folder, then rename);
    create the folder if needed; keep the newest MAX_ENTRIES entries. Any OS error gives a
    note, not a failure. Returns the entry's path, or None if nothing was written."""
    folder = cache_dir()
    target = entry_path(key, folder)
    tmp = folder / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            np.savez_compressed(
                handle,
                col_status=np.asarray(col_status, dtype=np.int8),
                row_status=np.asarray(row_status, dtype=np.int8),
            )
        os.replace(tmp, target)
    except OSError as err:
        note(f"could not write {target} ({err.strerror or type(err).__name__})")
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return None
    prune(folder)
    return target


def prune(folder: Path | None = None, keep: int = MAX_ENTRIES) -> list[Path]:
    """Delete all but the `keep` newest entries (files named `basis-<sha256>.npz` in the cache
    folder) and temporary files of writers that died (`.basis-<sha256>.npz.tmp-<pid>-<hex>`,
    older than an hour); nothing else is touched. Returns what was deleted."""
    folder = folder or cache_dir()
    try:
        files = [e for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
        entries = [e for e in files if ENTRY.match(e.name)]
        entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
        hour_ago = time.time() - 3600
        stale = [
            e
            for e in files
            if _TMP.match(e.name) and e.stat(follow_symlinks=False).st_mtime < hour_ago
        ]
    except OSError:
        return []
    removed = []
    for entry in entries[keep:] + stale:
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
