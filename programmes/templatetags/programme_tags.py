"""Template helpers for programme pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, page_number) -> str:
    """A `?query` for another page of a list, keeping the other GET parameters."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else {}
    if hasattr(params, "setlist"):
        params["page"] = page_number
        return f"?{params.urlencode()}"
    return f"?page={page_number}"


@register.simple_tag
def elided_pages(page_obj, on_each_side: int = 2, on_ends: int = 1):
    """Page numbers around the current one, with `Paginator.ELLIPSIS` for gaps."""
    return page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=on_each_side, on_ends=on_ends
    )
