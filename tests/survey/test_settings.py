"""Settings: defaults, refusals that name the variable, generated secrets, and documentation of each."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from survey.settings import ENVIRONMENT, Settings, SettingsError, ensure_data_dir

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_without_any_variable(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path)})
    assert settings.database_url is None
    assert settings.min_cell == 11
    assert settings.cookie_secure is False


def test_secrets_are_generated_once_owner_only(tmp_path: Path) -> None:
    first = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path)})
    secrets_file = tmp_path / "secrets.json"
    assert first.csrf_secret == second.csrf_secret
    assert first.linkage_pepper == second.linkage_pepper
    assert first.csrf_secret != first.linkage_pepper
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600


def test_secrets_from_the_environment_win(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_CSRF_SECRET": "a", "SURVEY_LINKAGE_PEPPER": "b"}
    )
    assert (settings.csrf_secret, settings.linkage_pepper) == ("a", "b")
    assert not (tmp_path / "secrets.json").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SURVEY_MIN_CELL", "4"),
        ("SURVEY_MIN_CELL", "eleven"),
        ("SURVEY_COOKIE_SECURE", "maybe"),
        ("SURVEY_SESSION_HOURS", "0"),
    ],
)
def test_refused_values_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), name: value})


def test_unwritable_data_folder_gets_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SettingsError, match="SURVEY_DATA_DIR"):
        Settings.from_env({"SURVEY_DATA_DIR": str(blocker / "data")})


def test_every_variable_is_documented_in_the_readme() -> None:
    readme = README.read_text()
    missing = [name for name in ENVIRONMENT if f"`{name}`" not in readme]
    assert missing == []


def test_concurrent_commands_can_check_one_data_folder(tmp_path: Path) -> None:
    """Many processes checking the folder at once (each ``survey`` command does) never trip each other."""
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def check_often() -> None:
        start.wait()
        for _ in range(200):
            try:
                ensure_data_dir(tmp_path)
            except SettingsError as error:
                failures.append(error)

    threads = [threading.Thread(target=check_often) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert list(tmp_path.iterdir()) == [], "the check leaves nothing behind"
