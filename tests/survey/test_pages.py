"""Pages as a browser meets them: security headers, own assets only, plain errors, the admin's forms."""

from __future__ import annotations

import gzip

import pytest
from bs4 import BeautifulSoup, Tag
from litestar import Litestar
from litestar.testing import AsyncTestClient

from survey.db import Connection
from survey.headers import SECURITY_HEADERS
from survey.settings import resource_dir
from tests.support import make_account, post_form, sign_in

Client = AsyncTestClient[Litestar]


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def one(node: BeautifulSoup | Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, f"no element matches {selector}"
    return found


def attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize("path", ["/signin", "/healthz", "/static/style.css", "/no-such-page", "/schema"])
async def test_every_response_carries_the_security_headers(client: Client, path: str) -> None:
    response = await client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


async def test_no_client_address_or_session_is_needed_for_health(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_large_responses_are_compressed(client: Client) -> None:
    response = await client.get("/static/vendor/htmx-2.0.11.min.js", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert b"htmx" in response.content or b"htmx" in gzip.decompress(response.content)


def test_templates_load_scripts_and_styles_only_from_our_static_files() -> None:
    for template in resource_dir("templates").rglob("*.html"):
        page = soup(template.read_text())
        for tag in page.select("script"):
            assert attr(tag, "src").startswith("/static/"), f"{template.name}: inline or foreign script"
        for tag in page.select("link[rel=stylesheet]"):
            assert attr(tag, "href").startswith("/static/"), template.name
        assert not page.select("[style]"), f"{template.name}: inline style attribute"


async def test_signin_page_has_a_labelled_form_with_csrf_token(client: Client) -> None:
    page = soup((await client.get("/signin")).text)
    form = one(page, "form#signin-form")
    assert form is not None
    assert attr(one(form, "input[name=_csrf_token]"), "value")
    for field in ("name", "password"):
        control = one(form, f"input[name={field}]")
        assert page.select_one(f"label[for={attr(control, 'id')}]") is not None


async def test_unknown_page_is_a_plain_404_page(client: Client) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert one(soup(response.text), "h1#error-heading").get_text() == "There is no page here"


async def test_api_errors_are_json(client: Client) -> None:
    response = await client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["status_code"] == 401


@pytest.mark.usefixtures("admin")
async def test_a_bad_form_field_is_named_and_changes_nothing(client: Client, conn: Connection) -> None:
    before = await conn.fetchval("SELECT count(*) FROM site")
    response = await post_form(
        client, "/admin/sites", {"name": "Riverside", "default_language": "not a language!"}
    )
    assert response.status_code == 400
    keys = [item.get_text() for item in soup(response.text).select("ul.problems strong")]
    assert "default_language" in keys
    assert await conn.fetchval("SELECT count(*) FROM site") == before


@pytest.mark.usefixtures("admin")
async def test_an_unknown_form_field_is_refused(client: Client) -> None:
    response = await post_form(client, "/admin/sites", {"name": "Riverside", "colour": "blue"})
    assert response.status_code == 400
    assert "colour" in one(soup(response.text), "ul.problems").get_text()


@pytest.mark.usefixtures("admin")
async def test_admin_adds_an_account_and_sees_its_password_once(client: Client, conn: Connection) -> None:
    response = await post_form(
        client,
        "/admin/accounts",
        {"name": "river", "display_name": "River", "roles": ["board", "evaluator"]},
        headers={"HX-Request": "true"},
    )
    fragment = soup(response.text)
    assert fragment.select_one("html") is None, "htmx gets the block, not the whole page"
    password = one(fragment, "#shown-password").get_text()
    row = one(fragment, "tr[data-account=river]")
    checked = sorted(box["value"] for box in row.select("input[name=roles][checked]"))
    assert checked == ["board", "evaluator"]
    assert (await sign_in(client, "river", password)).status_code == 303
    assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE action = 'account_created'") == 2


async def test_the_last_admin_cannot_be_turned_off(
    client: Client, database_url: str, conn: Connection
) -> None:
    admin = await make_account(database_url, "ada", ["admin"])
    await sign_in(client, "ada")
    response = await post_form(client, f"/admin/accounts/{admin.id}/active", {"active": "false"})
    assert response.status_code == 422
    assert "last active admin" in one(soup(response.text), "#accounts .error").get_text()
    assert await conn.fetchval("SELECT active FROM account WHERE id = $1", admin.id) is True


@pytest.mark.usefixtures("admin")
async def test_admin_adds_a_site(client: Client) -> None:
    response = await post_form(client, "/admin/sites", {"name": "Riverside Van", "default_language": "es"})
    names = [item.get_text(" ", strip=True) for item in soup(response.text).select("ul.site-list li > p")]
    assert names == ["Riverside Van (español — Spanish) · no survey yet · no staff PIN yet"]
    duplicate = await post_form(client, "/admin/sites", {"name": "riverside van", "default_language": "es"})
    assert duplicate.status_code == 422


async def test_a_member_changes_their_chosen_name_and_password(client: Client, database_url: str) -> None:
    await make_account(database_url, "bo", ["board"])
    await sign_in(client, "bo")
    named = await post_form(client, "/account/name", {"display_name": "Sky"}, headers={"HX-Request": "true"})
    assert attr(one(soup(named.text), "input#display_name"), "value") == "Sky"
    wrong = await post_form(
        client, "/account/password", {"current_password": "nope", "new_password": "a new long password"}
    )
    assert wrong.status_code == 422
    changed = await post_form(
        client,
        "/account/password",
        {"current_password": "correct horse battery", "new_password": "a new long password"},
    )
    assert changed.status_code == 200
    client.cookies.clear()
    assert (await sign_in(client, "bo", "a new long password")).status_code == 303


async def test_the_openapi_document_describes_the_scripted_endpoints(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {"/api/evaluate/summary", "/api/kiosk/responses", "/api/kiosk/survey", "/api/me"} <= set(paths)
    parameters = {p["name"] for p in paths["/api/evaluate/summary"]["get"]["parameters"]}
    assert parameters >= {"survey", "group_by", "period", "from", "to"}
