"""Files in the project that a command regenerates (`npvi docs`, `npvi derive-demand`).

Such a command may replace a file only if the file is missing or was written by that command:
its text carries the command's signature (`is_generated(text)`). Anything else at that path is
the user's, and the command stops with exit 2 and one line naming the file, before anything is
written. The new text is written whole or not at all (a temporary file beside the target,
then an atomic rename).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from npvi_model.errors import InputError, Problem


def check_replaceable(path: Path, is_generated: Callable[[str], bool], command: str) -> None:
    """Raise InputError unless `path` is missing or a file `command` wrote earlier."""
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not path.is_file():
        why = "is a symbolic link" if path.is_symlink() else "is not a regular file"
        raise InputError([Problem(str(path), "", f"{why}; {command} writes only its own files")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = ""
    if not is_generated(text):
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    f"exists and was not written by {command}; it is left as it is (move it "
                    "away or choose another folder)",
                )
            ]
        )


def write_whole(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
