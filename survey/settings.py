"""Settings read once from the environment, with secrets generated into the data folder when absent."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Final, Literal

import msgspec

from survey.problems import SetupProblem

PACKAGE_DIR: Final = Path(__file__).resolve().parent

# Each setting, the environment variable that sets it, and what it means. The README documents every one;
# a test fails when one is missing there.
ENVIRONMENT: Final[dict[str, str]] = {
    "DATABASE_URL": "PostgreSQL URL. Unset: an embedded PostgreSQL is started in the data folder.",
    "SURVEY_DATA_DIR": "Folder for the embedded database, generated secrets and backups (default `.data`).",
    "SURVEY_CSRF_SECRET": "Key that signs CSRF tokens. Unset: generated once into the data folder.",
    "SURVEY_LINKAGE_PEPPER": "Key for linkage-code HMACs, kept outside the database. Unset: generated once.",
    "SURVEY_COOKIE_SECURE": "`true` behind a TLS proxy: cookies are sent over HTTPS only (default `false`).",
    "SURVEY_SESSION_HOURS": "How long a staff sign-in lasts without activity (default 12).",
    "SURVEY_SIGNIN_ATTEMPTS": "Failed sign-ins allowed per account name in 15 minutes (default 5).",
    "SURVEY_MIN_CELL": "k, the smallest group any view or export shows (default 11, never below 5).",
    "SURVEY_KIOSK_RATE": "Responses accepted per kiosk per minute (default 30); more get 429.",
    "SURVEY_PERIOD": "How finely a response's time is kept: `month` (default) or `week`; never finer.",
    "SURVEY_FORWARDED_ALLOW_IPS": "Proxies trusted for X-Forwarded-Proto (default `127.0.0.1`).",
    "SURVEY_LOG_LEVEL": "Log level of the application (default `INFO`).",
    "SURVEY_PROGRAM_NAME": "The program's name, as the funder report says it (default: its sites' names).",
}

_SECRETS_FILE: Final = "secrets.json"


DEFAULT_MIN_CELL: Final = 11
"""k: the smallest group any view shows, unless ``SURVEY_MIN_CELL`` says more (never below 5)."""


class SettingsError(SetupProblem, ValueError):
    """A setting has a value the platform refuses, with a message naming the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the application reads from its environment."""

    database_url: str | None = None
    """PostgreSQL URL; ``None`` starts the embedded server in ``data_dir``."""
    data_dir: Path = Path(".data")
    """Folder for the embedded database, secrets and backups."""
    csrf_secret: str = ""
    """Key that signs CSRF tokens."""
    linkage_pepper: str = ""
    """Key for linkage-code HMACs; never stored in the database."""
    cookie_secure: bool = False
    """Send cookies over HTTPS only (set behind a TLS proxy)."""
    session_hours: int = 12
    """Idle lifetime of a staff session."""
    signin_attempts: int = 5
    """Failed sign-ins allowed per account name in a 15-minute window."""
    min_cell: int = DEFAULT_MIN_CELL
    """k: no figure computed from fewer responses is ever shown."""
    kiosk_rate: int = 30
    """Responses accepted per kiosk per minute."""
    period: Literal["month", "week"] = "month"
    """The coarse time bucket stored with a response."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies whose X-Forwarded-* headers the server trusts."""
    log_level: str = "INFO"
    """Log level of the application loggers."""
    program_name: str = ""
    """The program's name on the funder report; empty: the report names the program by its sites."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read the settings from the environment, generating missing secrets into the data folder.

        Args:
            environ: the variables to read; ``os.environ`` when omitted.

        Returns:
            The settings, with both secrets filled in.

        Raises:
            SettingsError: a variable holds a value the platform refuses.
        """
        env = dict(os.environ if environ is None else environ)
        data_dir = Path(env.get("SURVEY_DATA_DIR") or ".data").resolve()
        settings = cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=data_dir,
            csrf_secret=env.get("SURVEY_CSRF_SECRET", ""),
            linkage_pepper=env.get("SURVEY_LINKAGE_PEPPER", ""),
            cookie_secure=_flag(env, "SURVEY_COOKIE_SECURE", default=False),
            session_hours=_integer(env, "SURVEY_SESSION_HOURS", 12, low=1),
            signin_attempts=_integer(env, "SURVEY_SIGNIN_ATTEMPTS", 5, low=1),
            min_cell=_integer(env, "SURVEY_MIN_CELL", DEFAULT_MIN_CELL, low=5),
            kiosk_rate=_integer(env, "SURVEY_KIOSK_RATE", 30, low=1),
            period=_period(env),
            forwarded_allow_ips=env.get("SURVEY_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            log_level=env.get("SURVEY_LOG_LEVEL", "INFO").upper(),
            program_name=" ".join(env.get("SURVEY_PROGRAM_NAME", "").split())[:200],
        )
        if settings.csrf_secret and settings.linkage_pepper:
            return settings
        stored = generated_secrets(data_dir)
        return msgspec.structs.replace(
            settings,
            csrf_secret=settings.csrf_secret or stored["csrf_secret"],
            linkage_pepper=settings.linkage_pepper or stored["linkage_pepper"],
        )


def ensure_data_dir(data_dir: Path) -> Path:
    """Create the data folder (owner-only) and check that it can be written.

    Raises:
        SettingsError: the folder cannot be created or written, naming it and SURVEY_DATA_DIR.
    """
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A probe of this process's own (a unique name, gone when closed), so commands running at the
        # same time on one folder never remove each other's.
        with tempfile.TemporaryFile(dir=data_dir, prefix=".write-check-"):
            pass
    except OSError as error:
        raise SettingsError(
            f"The data folder {data_dir} cannot be written ({error.strerror}). "
            "Point SURVEY_DATA_DIR at a folder this account may write, or set DATABASE_URL."
        ) from error
    return data_dir


def generated_secrets(data_dir: Path) -> dict[str, str]:
    """Return the secrets kept in the data folder, creating them (mode 0600) the first time."""
    path = ensure_data_dir(data_dir) / _SECRETS_FILE
    if path.exists():
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded
    values = {"csrf_secret": secrets.token_urlsafe(32), "linkage_pepper": secrets.token_urlsafe(32)}
    # Written whole to a private file, then linked into place: when two processes start together, one
    # link wins and the other reads the winner's complete file.
    draft = path.with_name(f".{_SECRETS_FILE}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(values, handle)
    try:
        os.link(draft, path)
    except FileExistsError:
        return generated_secrets(data_dir)
    finally:
        draft.unlink()
    return values


def resource_dir(name: str) -> Path:
    """Find a top-level folder (``templates``, ``migrations``) in a checkout or an installed wheel."""
    checkout = PACKAGE_DIR.parent / name
    return checkout if checkout.is_dir() else PACKAGE_DIR / f"_{name}"


def _flag(env: dict[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _period(env: dict[str, str]) -> Literal["month", "week"]:
    raw = (env.get("SURVEY_PERIOD") or "month").lower()
    if raw == "month":
        return "month"
    if raw == "week":
        return "week"
    raise SettingsError(f"SURVEY_PERIOD must be month or week, not {raw!r}")


def _integer(env: dict[str, str], name: str, default: int, *, low: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < low:
        raise SettingsError(f"{name} must be at least {low}, not {value}")
    return value
