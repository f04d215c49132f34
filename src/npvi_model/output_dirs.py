"""Output folders that never cost a user a file: every folder npvi writes carries a marker, and
npvi replaces only folders that carry one.

The one API for every command that writes a folder (`run`, `compare`, `report`, and any new
command such as `robust` or `sweep`)::

    from npvi_model.output_dirs import check_output_dir, npvi_output_dir

    # 1. before any solve: refuse a dangerous --out at once (InputError, exit 2, one line)
    check_output_dir(out, "robust", force=force, inputs=input_folders)
    # 2. after the work: write into a private staging folder, published whole at the end
    with npvi_output_dir(out, "robust", force=force, inputs=input_folders) as staging:
        (staging / "table.csv").write_text(...)
    # here `out` holds exactly what was written into `staging`, plus the marker

Rules (each refusal is an InputError naming `--out`, the folder and the reason):
- `--out` may not be a symbolic link, a file, or sit under a file;
- it may not be `/`, the home folder, the current folder or any folder that holds it, nor hold or
  lie inside one of the command's input folders;
- an existing folder is replaced only if it is empty, or npvi made it (marker file
  `.npvi-output`: JSON with tool, kind, created, version, files) and it holds nothing npvi did not
  write (a user's `notes.md` blocks the replacement, even with `--force`);
- a folder npvi made for another kind of output (say a run's result folder given as the
  `--out` of `compare`) is replaced only with `--force`.

`run` writes one folder per scenario (kind "scenario") inside its `--out` (kind "runs"), which
is created with a marker, or adopted if it is empty or holds only npvi-made folders.

Publishing: the staging folder `.<name>.tmp-<pid>-<hex>` sits beside `out`; at the end an
existing npvi-made `out` is moved aside to `.<name>.old-<pid>-<hex>`, the staging folder is
renamed into place and the old one removed. If another process publishes the same folder at the
same moment, the rename is retried: the last complete folder wins and no writer crashes. On any
error (Ctrl-C, SIGTERM) only the staging folder is removed; nothing outside it is deleted.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from npvi_model.errors import InputError, Problem

MARKER = ".npvi-output"
TOOL = "npvi-model"
#: the kind of the folder `npvi run --out` names, holding one folder per scenario
RUNS_KIND = "runs"
#: how often a publish is retried when other writers publish the same folder at the same time
PUBLISH_ATTEMPTS = 200
_DEBRIS = re.compile(r"^\..+\.(tmp|old)-\d+-[0-9a-f]{8}$")


def _refuse(out: Path | str, why: str, option: str = "--out") -> InputError:
    return InputError([Problem("command line", option, f"{str(out)!r} {why}")])


def read_marker(folder: Path) -> dict | None:
    """The marker of an npvi-made folder, or None (no marker, or not npvi's)."""
    path = Path(folder) / MARKER
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 10_000_000:
            return None
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(marker, dict) or marker.get("tool") != TOOL:
        return None
    return marker


def is_debris(name: str) -> bool:
    """A staging or moved-aside folder name of an npvi writer (`.<name>.tmp-<pid>-<hex>`)."""
    return bool(_DEBRIS.match(name))


def foreign_entries(folder: Path, limit: int = 5, marker: dict | None = None) -> list[str]:
    """Paths (relative to `folder`) that npvi did not write into this npvi-made folder: anything
    not listed in its marker, other than nested npvi-made folders (checked the same way) and
    staging debris. Symbolic links are always foreign. Stops after `limit` findings."""
    folder = Path(folder)
    marker = marker or read_marker(folder)
    if marker is None:
        return ["."]
    listed = {str(f) for f in marker.get("files", [])}
    found: list[str] = []

    def walk(here: Path, rel: str) -> None:
        for entry in sorted(os.scandir(here), key=lambda e: e.name):
            if len(found) >= limit:
                return
            name = f"{rel}{entry.name}"
            if name == MARKER or (rel == "" and is_debris(entry.name)):
                continue
            if entry.is_symlink():
                found.append(name)
            elif entry.is_dir():
                if read_marker(Path(entry.path)) is not None:
                    found.extend(f"{name}/{f}" for f in foreign_entries(Path(entry.path)))
                else:
                    walk(Path(entry.path), f"{name}/")
            elif name not in listed:
                found.append(name)

    walk(folder, "")
    return found[:limit]


def _is_within(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def absolute_path(path: Path) -> Path:
    """Absolute path with '..' resolved but the last component not followed if it is a link."""
    path = Path(os.path.abspath(Path(path).expanduser()))
    return path.parent.resolve() / path.name if path.name else path


def _check_location(out: str | Path, inputs: Iterable, option: str) -> Path:
    """Refuse links, files, system folders, the current folder and input folders."""
    given = Path(out)
    target = absolute_path(given)
    if _file_type(target) == "link":
        raise _refuse(out, "is a symbolic link; give the folder it points to", option)
    for ancestor in [target, *target.parents]:
        if _file_type(ancestor.resolve() if ancestor != target else ancestor) == "file":
            what = "is a file" if ancestor == target else f"sits under a file ({ancestor})"
            raise _refuse(out, f"{what}; give a folder", option)
    if target == Path(target.anchor) or target == absolute_path(Path.home()):
        raise _refuse(out, "is the root or home folder; give a new folder for the output", option)
    if _is_within(Path.cwd().resolve(), target.resolve() if target.exists() else target):
        raise _refuse(out, "is the current folder or holds it; give a new folder", option)
    for source in inputs:
        source = Path(source).resolve()
        if _is_within(source, target) or _is_within(target, source):
            relation = "holds" if _is_within(source, target) else "lies inside"
            raise _refuse(out, f"{relation} the input {source}; give another folder", option)
    return target


def _file_type(path: Path) -> str | None:
    """'dir', 'link', 'file' (anything else) or None if nothing is there, in one system call,
    so that a folder another writer moves away at this moment is simply absent."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(mode):
        return "link"
    return "dir" if stat.S_ISDIR(mode) else "file"


#: files by which an npvi version from before the marker is recognised, for the message only
_OLD_NPVI_FILES = ("results.nc", "summary.json", "report.html", "no_regret.csv")


def _not_npvi(target: Path) -> str:
    """Why an unmarked folder is refused, with a hint if it looks like older npvi output."""
    text = f"exists and was not made by npvi (no {MARKER}); nothing was changed. "
    try:
        names = {e.name for e in os.scandir(target)}
        names |= {e.name for d in os.scandir(target) if d.is_dir() for e in os.scandir(d.path)}
    except OSError:
        names = set()
    if names & set(_OLD_NPVI_FILES):
        return text + (
            "It looks like output of an npvi version without the marker: delete or rename it "
            "yourself, or give a new folder"
        )
    return text + "Give a new folder, or move it away yourself"


def check_output_dir(
    out: str | Path,
    kind: str,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
    option: str = "--out",
) -> Path:
    """Raise InputError unless `out` may be (re)written as an npvi folder of `kind`; return its
    absolute path. Call it before any long work; `npvi_output_dir` checks again."""
    target = _check_location(out, inputs, option)
    try:
        return _check_contents(out, target, kind, force, option)
    except FileNotFoundError:
        return target  # another npvi writer moved it away at this moment: nothing is there


def _check_contents(out: str | Path, target: Path, kind: str, force: bool, option: str) -> Path:
    for attempt in range(5):  # another npvi writer may be swapping the folder at this moment
        if not target.exists():
            return target
        if not any(target.iterdir()):
            return target  # an empty folder: nothing to lose
        marker = read_marker(target)
        if marker is not None:
            break
        time.sleep(0.01 * (attempt + 1))
    if marker is None:
        raise _refuse(out, _not_npvi(target), option)
    if marker.get("kind") != kind and not force:
        raise _refuse(
            out,
            f"holds npvi {marker.get('kind')!r} output, not {kind!r}; pass --force to replace it",
            option,
        )
    for _attempt in range(5):  # the folder may be replaced by another npvi writer meanwhile
        foreign = foreign_entries(target, marker=marker)
        again = read_marker(target)
        if again == marker:
            break
        if again is None:
            raise FileNotFoundError(target)
        marker = again
    if foreign:
        raise _refuse(
            out,
            f"holds files npvi did not write ({', '.join(foreign)}); nothing was changed. "
            "Move them away or give another folder",
            option,
        )
    return target


def check_run_parent(out: str | Path, inputs: Iterable = (), option: str = "--out") -> Path:
    """Raise InputError unless `out` may hold npvi run's result folders: it does not exist, or
    npvi run made it, or it is empty or holds only npvi-made folders. Creates nothing."""
    target = _check_location(out, inputs, option)
    if not target.is_dir():
        return target
    marker = read_marker(target)
    if marker is not None:
        if marker.get("kind") != RUNS_KIND:
            raise _refuse(
                out,
                f"holds npvi {marker.get('kind')!r} output, not the result folders of "
                "npvi run; give another folder",
                option,
            )
        return target
    entries = [e for e in os.scandir(target) if not is_debris(e.name)]
    if not all(e.is_dir() and not e.is_symlink() and read_marker(Path(e.path)) for e in entries):
        raise _refuse(out, _not_npvi(target), option)
    return target


def ensure_runs_dir(out: str | Path, inputs: Iterable = (), option: str = "--out") -> Path:
    """The folder `npvi run --out` names, which holds one result folder per scenario and is
    never replaced: created with a marker, or an existing one of npvi run, or adopted (marker
    added) if it is empty or holds only npvi-made folders (`check_run_parent`)."""
    target = check_run_parent(out, inputs, option)
    target.mkdir(parents=True, exist_ok=True)
    if read_marker(target) is None:
        _write_marker(target, RUNS_KIND, [])
    return target


def _write_marker(folder: Path, kind: str, files: list[str]) -> None:
    from npvi_model import __version__

    marker = {
        "tool": TOOL,
        "kind": kind,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "id": uuid.uuid4().hex,
        "files": files,
    }
    staged = folder / f"{MARKER}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staged.write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    os.replace(staged, folder / MARKER)


def _staged_files(staging: Path) -> list[str]:
    """Files written into the staging folder, except those inside nested npvi-made folders."""
    files = []
    for dirpath, dirnames, filenames in os.walk(staging):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if read_marker(here / d) is None]
        files += [str((here / f).relative_to(staging)) for f in filenames if f != MARKER]
    return sorted(files)


def _fsync_tree(folder: Path, only: str | None = None) -> None:
    """Flush every file under `folder` (or only the file `folder/only`) to disk."""
    for path in [folder / only] if only else folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def clean_stale(parent: Path, name: str) -> None:
    """Remove what writers that died left of `name` in `parent`: staging folders
    (`.<name>.tmp-<pid>-<hex>`) and moved-aside npvi folders (`.<name>.old-<pid>-<hex>`), pid
    not alive. Only names npvi makes are touched, and never an unmarked non-empty old one."""
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        match = _DEBRIS.match(entry.name)
        if not match or not entry.name.startswith(f".{name}.") or entry.is_symlink():
            continue
        if _alive(int(entry.name.rsplit("-", 2)[-2])):
            continue
        if match.group(1) == "old" and read_marker(entry) is None and any(entry.iterdir()):
            continue  # moved aside but not npvi's: never deleted
        shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _publish(staging: Path, target: Path, kind: str, force: bool) -> None:
    """Rename `staging` to `target`. An existing `target` is first moved aside to a private
    name (`.<name>.old-<pid>-<hex>`), checked there (npvi-made, no foreign files) and removed
    after; if the check fails it is moved back. Retried while other writers publish the same
    folder at the same moment: the last one wins."""
    for _attempt in range(PUBLISH_ATTEMPTS):
        old = None
        if _file_type(target) is not None:
            old = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            try:
                os.rename(target, old)
            except (FileNotFoundError, NotADirectoryError):
                continue  # another writer moved it aside first
            except OSError as err:
                if err.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    continue
                raise
            try:
                if _file_type(old) != "dir":
                    raise _refuse(target, "is no longer a folder; nothing was changed")
                _check_contents(target, old, kind, force, "--out")
            except InputError:
                _put_back(old, target)
                raise
        try:
            os.rename(staging, target)
        except OSError as err:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)  # checked npvi output, superseded
            if err.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                continue  # another writer published in between: replace its folder
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return
    raise OSError(errno.EBUSY, f"could not publish {target}: too many concurrent writers")


def _put_back(old: Path, target: Path) -> None:
    """Move a folder that must not be replaced back to its name; if something else took the
    name meanwhile, leave it where it is (never deleted: it has no npvi marker) and say so."""
    try:
        os.rename(old, target)
    except OSError:
        raise _refuse(
            target, f"was moved to {old} because another writer took its name; nothing deleted"
        ) from None


@contextmanager
def npvi_output_dir(
    out: str | Path,
    kind: str,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
    fsync: bool = True,
) -> Iterator[Path]:
    """Yield a private staging folder; on success it becomes `out` (with the marker listing the
    files written), replacing an existing `out` only under the rules of `check_output_dir`.

    `kind` names the output ("scenario", "comparison", "report", "robust", ...); `force` lets
    it replace an npvi-made folder of another kind; `inputs` are the folders the command reads
    (never replaced, never written into); `fsync=False` if the caller has flushed its files
    to disk itself (the marker is flushed either way). On any exception, SIGTERM or Ctrl-C the
    staging folder is removed and `out` is left exactly as it was."""
    inputs = list(inputs)
    target = check_output_dir(out, kind, force, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent, target.name)
    staging = target.parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        yield staging
        _write_marker(staging, kind, _staged_files(staging))
        os.chmod(staging, 0o755)
        _fsync_tree(staging, only=None if fsync else MARKER)
        _publish(staging, target, kind, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
