"""Row ids in paths beyond PostgreSQL's bigint get a 400 naming the parameter, never a 500."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support import make_account, post_form, sign_in

HUGE = "9223372036854775808"


async def test_huge_row_ids_are_refused_before_any_query(
    client: AsyncTestClient[Litestar], database_url: str
) -> None:
    await make_account(database_url, "ada", ["admin"])
    await make_account(database_url, "bo", ["board"])  # an account cannot be both (docs/board.md)
    posts = {
        "ada": {
            f"/admin/accounts/{HUGE}/active": {"active": "false"},
            f"/admin/sites/{HUGE}/pin": {"pin": "1234"},
            f"/admin/kiosks/{HUGE}/revoke": {},
        },
        "bo": {f"/board/proposals/{HUGE}/comments": {"body": "hello"}},
    }
    for name, paths in posts.items():
        client.cookies.clear()
        await sign_in(client, name)
        for path, data in paths.items():
            response = await post_form(client, path, data)
            assert response.status_code == 400, path
    for path in (f"/board/surveys/{HUGE}", f"/board/versions/{HUGE}", f"/board/proposals/{HUGE}/preview"):
        assert (await client.get(path)).status_code == 400, path
