"""Fixtures of the questions side's tests."""

from __future__ import annotations

from tests.helpers_shared import admin as admin
