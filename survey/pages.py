"""Rendering a page or, for htmx, only the block it swaps (jinja2-fragments)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar.response import Template

if TYPE_CHECKING:
    from litestar.plugins.htmx import HTMXRequest


def page(
    request: HTMXRequest,
    template: str,
    block: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Template:
    """The named ``block`` of ``template`` for htmx requests, the whole page otherwise.

    ``request.htmx`` (from the app's ``HTMXPlugin``) is truthy when htmx sent the request.
    """
    if request.htmx:
        return HTMXBlockTemplate(
            template_name=template, block_name=block, context=context, status_code=status_code
        )
    return Template(template, context=context, status_code=status_code)
