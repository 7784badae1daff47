"""The import-linter contracts cover every module, so a new module cannot slip past the layers."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {contract["id"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


def _modules(package: str) -> set[str]:
    return {f"{package}.{path.stem}" for path in (ROOT / package).glob("*.py") if path.stem != "__init__"}


def test_every_survey_module_is_in_exactly_one_layer() -> None:
    layers = _contracts()["layers"]["layers"]
    assert isinstance(layers, list)
    named = [name.strip() for layer in layers for name in layer.replace("|", ":").split(":")]
    assert sorted(name for name in named if name.startswith("survey.")) == sorted(_modules("survey"))
    assert {"questions", "analysis"} <= set(named)


def test_every_route_module_is_independent_of_the_others() -> None:
    independent = _contracts()["routes"]["modules"]
    assert isinstance(independent, list)
    route_modules = {
        module
        for package in ("survey", "questions", "analysis")
        for module in _modules(package)
        if module.endswith("routes")
    }
    assert set(independent) == route_modules


def test_every_module_is_named_in_the_readme_layout() -> None:
    layout = (ROOT / "README.md").read_text().split("## Architecture", 1)[1].split("\n## ", 1)[0]
    missing = [
        module
        for package in ("survey", "questions", "analysis")
        for module in sorted(_modules(package))
        if f"`{module.split('.')[1]}.py`" not in layout
    ]
    assert missing == []
