"""Messages are Markdown, rendered safely: raw HTML is shown as text, links open in a new context
without the referrer's window and are not endorsed, and only http(s) and mailto links work."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


def _link_open(self: Any, tokens: list, index: int, options: Any, env: Any) -> str:
    tokens[index].attrSet("rel", "noopener nofollow")
    tokens[index].attrSet("target", "_blank")
    return str(self.renderToken(tokens, index, options, env))


_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.disable("image")  # no remote images in chat: they would track who reads
_renderer.validateLink = _validate_link  # type: ignore[method-assign]
_renderer.add_render_rule("link_open", _link_open)


def render(body: str) -> str:
    return str(_renderer.render(body))
