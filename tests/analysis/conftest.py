"""Fixtures shared by the evaluator's page tests."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support import make_account, sign_in


@pytest.fixture
async def evaluator_client(client: AsyncTestClient[Litestar], database_url: str) -> AsyncTestClient[Litestar]:
    """The app's client, signed in as an account holding only the evaluator role."""
    await make_account(database_url, "eva", ["evaluator"])
    await sign_in(client, "eva")
    return client
