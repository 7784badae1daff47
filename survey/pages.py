"""Rendering a page or, for htmx, only the block it swaps (jinja2-fragments)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar.response import Template

if TYPE_CHECKING:
    from litestar import Request


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a page)."""
    return request.headers.get("hx-request") == "true"


def page(
    request: Request[Any, Any, Any],
    template: str,
    block: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Template:
    """The named ``block`` of ``template`` for htmx requests, the whole page otherwise."""
    if is_htmx(request):
        return HTMXBlockTemplate(
            template_name=template, block_name=block, context=context, status_code=status_code
        )
    return Template(template, context=context, status_code=status_code)
