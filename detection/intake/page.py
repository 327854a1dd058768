"""What an HTML page offers for checking: its media (og:image / og:video / og:audio, then
<video>, <audio> and <img> sources) and its text (title, description, article body).

A plain ``html.parser`` pass: no scripts run, nothing else is fetched here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

OG_MEDIA = {
    "og:image": "image",
    "og:image:url": "image",
    "og:image:secure_url": "image",
    "og:video": "video",
    "og:video:url": "video",
    "og:video:secure_url": "video",
    "og:audio": "audio",
    "og:audio:url": "audio",
    "og:audio:secure_url": "audio",
}
SKIP_TEXT_IN = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "blockquote", "figcaption", "br", "div"}


@dataclass
class PageParts:
    title: str = ""
    description: str = ""
    article: str = ""
    media: list[tuple[str, str]] = field(default_factory=list)  # (kind, absolute URL)


def looks_like_html(content_type: str, body: bytes) -> bool:
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.og: list[tuple[str, str]] = []
        self.tags: list[tuple[str, str]] = []
        self.title = ""
        self._in_title = False
        self._skip = 0
        self._article_depth = 0
        self.article: list[str] = []
        self.body: list[str] = []
        self._media_stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in SKIP_TEXT_IN:
            self._skip += 1
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            if key in OG_MEDIA and a.get("content"):
                self.og.append((OG_MEDIA[key], a["content"]))
            elif key and a.get("content"):
                self.meta.setdefault(key, a["content"])
        elif tag == "article":
            self._article_depth += 1
        elif tag in ("video", "audio"):
            self._media_stack.append(tag)
            if a.get("src"):
                self.tags.append((tag, a["src"]))
        elif tag == "source" and self._media_stack and a.get("src"):
            self.tags.append((self._media_stack[-1], a["src"]))
        elif tag == "img" and a.get("src"):
            self.tags.append(("image", a["src"]))
        if tag in BLOCKS:
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TEXT_IN and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        elif tag == "article" and self._article_depth:
            self._article_depth -= 1
        elif tag in ("video", "audio") and self._media_stack:
            self._media_stack.pop()
        if tag in BLOCKS:
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self._text(data)

    def _text(self, data: str) -> None:
        (self.article if self._article_depth else self.body).append(data)


def _clean(text: str) -> str:
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def read_page(html: str, base_url: str, *, max_media: int) -> PageParts:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    media: list[tuple[str, str]] = []
    seen: set[str] = set()
    # og: tags first (what the page itself names as its media), then video, audio, images.
    ordered = reader.og + sorted(reader.tags, key=lambda t: ("video", "audio", "image").index(t[0]))
    for kind, src in ordered:
        absolute = urljoin(base_url, src.strip())
        if urlsplit(absolute).scheme not in ("http", "https") or absolute in seen:
            continue  # data: and javascript: sources are not fetched
        seen.add(absolute)
        media.append((kind, absolute))
        if len(media) >= max_media:
            break
    article = _clean("".join(reader.article)) or _clean("".join(reader.body))
    description = reader.meta.get("og:description") or reader.meta.get("description") or ""
    title = reader.meta.get("og:title") or reader.title
    return PageParts(
        title=_clean(title)[:500], description=_clean(description), article=article, media=media
    )
