"""Fixtures shared by more than one test package, re-exported by each package's conftest."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support import make_account, sign_in

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def admin(client: Client, database_url: str) -> Client:
    """The test client, signed in as ``ada``, an account holding the admin role."""
    await make_account(database_url, "ada", ["admin"])
    await sign_in(client, "ada")
    return client
