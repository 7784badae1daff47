"""Backups with PostgreSQL's own pg_dump and pg_restore (custom format: compressed, restorable per table)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from survey.embedded import pg_bin
from survey.problems import SetupProblem


class BackupError(SetupProblem, RuntimeError):
    """pg_dump or pg_restore failed; the message holds what it said."""


def _major_version(program: Path) -> int:
    try:
        output = subprocess.run(  # noqa: S603 - a fixed program path, no shell
            [str(program), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def tool(name: str) -> Path:
    """The newest of pgserver's and the system's ``pg_dump``/``pg_restore``.

    pg_dump can read servers of its own major version and older, so the newest copy reaches the most servers.
    """
    candidates = [pg_bin(name)]
    if found := shutil.which(name):
        candidates.append(Path(found))
    return max((path for path in candidates if path.exists()), key=_major_version)


def dump(url: str, output: Path) -> int:
    """Write a custom-format dump of the database at ``url`` to ``output``, returning its size in bytes.

    The file is written next to ``output`` first and renamed when complete, so a failed dump never leaves
    a half-written backup under the requested name.

    Raises:
        BackupError: pg_dump failed.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    result = subprocess.run(  # noqa: S603 - fixed program, arguments as a list
        [str(tool("pg_dump")), "--format=custom", "--no-owner", "--file", str(partial), "--dbname", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    partial.chmod(0o600)
    partial.replace(output)
    return output.stat().st_size


def restore(url: str, backup: Path) -> None:
    """Restore a custom-format dump into the database at ``url``, replacing the objects it contains.

    Raises:
        BackupError: the file is missing or pg_restore failed.
    """
    if not backup.is_file():
        raise BackupError(f"There is no backup file at {backup}.")
    result = subprocess.run(  # noqa: S603 - fixed program, arguments as a list
        [
            str(tool("pg_restore")),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            url,
            str(backup),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
