"""The embedded PostgreSQL: one server per data folder, shared by every process that uses the folder.

pgserver (a real PostgreSQL in a wheel) keeps a list of the processes holding the server; the last one to
exit stops it. A process killed without cleanup would stay on that list forever and keep the server
alive, so every start first drops the processes that no longer exist.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Final

import psutil

from survey.problems import SetupProblem
from survey.settings import SettingsError, ensure_data_dir

if TYPE_CHECKING:
    from types import ModuleType

logger = logging.getLogger(__name__)

PG_FOLDER: Final = "pg"
_HANDLES_FILE: Final = ".handle_pids.json"
SETTINGS_FILE: Final = "survey.conf"
"""The server settings the platform sets, rewritten at each start and included from ``postgresql.conf``."""
_INCLUDE: Final = f"include_if_exists = '{SETTINGS_FILE}'"
# Each held response is written to the write-ahead log (pg_wal) at once, next to a commit record with the
# exact time: these keep that log from outliving the daily release that retires it (survey/release.py).
SERVER_SETTINGS: Final = {
    # A segment no longer needed is deleted, not renamed for reuse with its old records still in it.
    "wal_recycle": "off",
    # Checkpoint log lines (on by default in 16) say when there were writes, so when someone answered.
    "log_checkpoints": "off",
    # Its "checkpoints are occurring too frequently" line would say the same, in busy moments.
    "checkpoint_warning": "0",
    # Fewer segments kept in reserve and a checkpoint after about 64 MB of writes instead of 1 GB, so old
    # segments go within minutes on a busy day too. Both are soft limits: a smaller size costs only more
    # frequent checkpoints, never data, and a small program writes far less than this in a day.
    "min_wal_size": "32MB",
    "max_wal_size": "64MB",
    # Nothing streams from a server on a Unix socket of its own (no replica, no archive, no pg_basebackup:
    # backups are pg_dump), so the log need only hold what crash recovery needs. Minimal needs no senders.
    "wal_level": "minimal",
    "max_wal_senders": "0",
}


class EmbeddedDatabaseError(SetupProblem, RuntimeError):
    """The embedded PostgreSQL could not be started; the message says why and what to do."""


def _pgserver() -> ModuleType:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); pgserver then uses /tmp: fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver
    return pgserver


def pg_bin(name: str) -> Path:
    """Path of a PostgreSQL program (``pg_dump``, ``pg_restore``, ``psql``) shipped with pgserver."""
    return Path(_pgserver().__file__ or ".").parent / "pginstall" / "bin" / name


def start(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL of a data folder and return its connection URL.

    The server listens on a Unix socket only, never on a network address. It stops when the last
    process that started or joined it exits.

    Args:
        data_dir: the data folder; the cluster lives in its ``pg`` subfolder.

    Returns:
        A ``postgresql://`` URL for the ``postgres`` database of the embedded server.

    Raises:
        SettingsError: the data folder cannot be written.
        EmbeddedDatabaseError: PostgreSQL did not start; the message holds the end of its log.
    """
    _pgserver()
    from pgserver.postgres_server import PostgresServer

    class _Server(PostgresServer):
        def ensure_pgdata_inited(self) -> None:
            super().ensure_pgdata_inited()
            _write_settings(self.pgdata)  # after initdb, before the server starts with them

    pgdata = ensure_data_dir(data_dir) / PG_FOLDER
    with PostgresServer._lock:
        _forget_exited_processes(pgdata)
    try:
        pgdata.mkdir(exist_ok=True)
        pgdata = pgdata.resolve()
        # As pgserver.get_server, with the settings written in between: a joined server keeps its own.
        server = PostgresServer._instances.get(pgdata) or _Server(pgdata, cleanup_mode="stop")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, AssertionError) as error:
        raise EmbeddedDatabaseError(
            f"The embedded PostgreSQL in {pgdata} did not start. Last lines of its log:\n{_log_tail(pgdata)}"
        ) from error
    except PermissionError as error:
        raise SettingsError(
            f"The embedded PostgreSQL cannot use {pgdata}: {error}. Point SURVEY_DATA_DIR elsewhere."
        ) from error
    url: str = server.get_uri()
    return url


def release(data_dir: Path) -> None:
    """Let go of this process's hold on the data folder's server, stopping it if no other process holds it."""
    from pgserver.postgres_server import PostgresServer

    server = PostgresServer._instances.get((data_dir / PG_FOLDER).resolve())
    if server is not None:
        server.cleanup()


def _write_settings(pgdata: Path) -> None:
    """Write :data:`SERVER_SETTINGS` to their own file, included from ``postgresql.conf`` (once).

    The include comes last in ``postgresql.conf``, so these win over its lines; ``ALTER SYSTEM`` (in
    ``postgresql.auto.conf``) still wins over both.
    """
    settings = pgdata / SETTINGS_FILE
    settings.write_text(
        "# Written by the survey platform at each start (survey/embedded.py): edits here are lost.\n"
        + "".join(f"{name} = '{value}'\n" for name, value in SERVER_SETTINGS.items())
    )
    owner = pgdata.stat()
    os.chown(settings, owner.st_uid, owner.st_gid)  # running as root, PostgreSQL runs as pgserver's user
    conf = pgdata / "postgresql.conf"
    if _INCLUDE not in conf.read_text().splitlines():
        with conf.open("a") as lines:
            lines.write(f"\n{_INCLUDE}\n")


def _forget_exited_processes(pgdata: Path) -> None:
    handles = pgdata / _HANDLES_FILE
    if not handles.exists():
        return
    pids: list[int] = json.loads(handles.read_text() or "[]")
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        logger.info("embedded PostgreSQL: %d exited process(es) forgotten", len(pids) - len(alive))
        handles.write_text(json.dumps(alive))


def _log_tail(pgdata: Path, lines: int = 15) -> str:
    log = pgdata / "log"
    if not log.exists():
        return "(no log written)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
