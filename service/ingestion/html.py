"""An HTML page as the plain text of its article: the transcript the rest of ingestion reads.

Users hand us pages as published (en.kremlin.ru, whitehouse.gov, nato.int, press offices).
The parser reads lines, so what matters is the block structure: one block a line, a blank line
between blocks, ``<br>`` as a line break. A speaker label that opens a paragraph
(``<p><b>THE PRESIDENT:</b> ...``) then opens a line, as it does in a plain-text transcript.

Which part of the page is the article is decided by general rules (furniture tags and roles,
class names of menus and share widgets, link-dense lists, the most text-dense block), with
per-site selectors only as data in ``data/html.yaml``. The tree is never modified: dropped
elements are a set of node ids every walk skips.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from service.ingestion.datafiles import load

_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML's white space: a no-break space stays
_CLASS_WORDS = re.compile(r"[\s_\-]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# A parent whose text beyond the best block is this small still belongs to the article
# (its title, date, place and lede); a larger one is the page around it.
_CLIMB_SLACK_CHARS = 400
_CLIMB_SLACK_SHARE = 0.25
# A list or box whose text is mostly links is a menu or a "related" list.
_LINK_DENSE = 0.7
# A furniture-named element holding this share of the page's text is a wrapper, not furniture.
_WRAPPER_SHARE = 0.5


@dataclass(frozen=True)
class HtmlText:
    """What a page yields: the article's text and what its head says about it."""

    text: str
    title: str | None
    source_url: str | None


@dataclass
class _Size:
    text: int = 0  # characters of text below, dropped parts excluded
    links: int = 0  # of which inside <a>
    own: int = 0  # text whose nearest block is this element (its prose)


@dataclass(frozen=True)
class _Rules:
    drop_tags: frozenset[str]
    block_tags: frozenset[str]
    cell_tags: frozenset[str]
    roles: frozenset[str]
    words: frozenset[str]
    keep_header_inside: frozenset[str]
    main_selectors: tuple[str, ...]
    min_prose: int
    hosts: dict[str, Any]


@cache
def _rules() -> _Rules:
    data = load("html")

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data[key])

    return _Rules(
        drop_tags=words("drop_tags") | words("always_drop"),
        block_tags=words("block_tags"),
        cell_tags=words("cell_tags"),
        roles=words("drop_roles"),
        words=words("boilerplate_words"),
        keep_header_inside=words("keep_header_inside"),
        main_selectors=tuple(data["main_selectors"]),
        min_prose=int(data["min_prose_chars"]),
        hosts={str(k).lower(): v for k, v in (data.get("hosts") or {}).items()},
    )


def extract(html: str) -> HtmlText:
    """The article text of ``html``, its title and canonical URL (when the page says)."""
    tree = LexborHTMLParser(html)
    source_url = _source_url(tree)
    title = _title(tree)
    root = tree.body or tree.root
    if root is None:
        return HtmlText("", title, source_url)
    rules = _rules()
    site = rules.hosts.get(_host(source_url), {}) if source_url else {}
    dropped = _furniture(tree, root, rules)
    for selector in site.get("drop", ()):
        dropped.update(n.mem_id for n in root.css(selector))
    sizes = _measure(root, dropped, rules)
    container = _site_container(root, site, dropped) or _densest(root, dropped, sizes, rules)
    _drop_link_lists(container, dropped, sizes, rules)
    _drop_section_links(container, dropped, rules)
    blocks = _render(container, dropped, rules)
    headed = any(h.mem_id not in dropped for h in container.css("h1, h2"))
    if title and not headed and (not blocks or blocks[0] != title):
        blocks.insert(0, title)  # the article's title stands outside its text block
    return HtmlText("\n\n".join(blocks), title, source_url)


# ---------------------------------------------------------------- what the head says


def _meta(tree: LexborHTMLParser, selector: str, attribute: str) -> str | None:
    for node in tree.css(selector):
        value = (node.attributes.get(attribute) or "").strip()
        if value:
            return value
    return None


def _source_url(tree: LexborHTMLParser) -> str | None:
    """The first absolute http(s) URL among canonical link, og:url and twitter:url."""
    candidates = (
        _meta(tree, 'link[rel="canonical"]', "href"),
        _meta(tree, 'meta[property="og:url"]', "content"),
        _meta(tree, 'meta[name="twitter:url"]', "content"),
    )
    for url in candidates:
        if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
            return url
    return None


def _title(tree: LexborHTMLParser) -> str | None:
    """The article's title: its first <h1>, else og:title, else <title>."""
    h1 = tree.css_first("body h1")
    for value in (
        h1.text() if h1 is not None else None,
        _meta(tree, 'meta[property="og:title"]', "content"),
        tree.css_first("title").text() if tree.css_first("title") is not None else None,
    ):
        if value and value.split():
            return " ".join(value.split())  # metadata: no-break spaces are plain spaces here
    return None


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


# ---------------------------------------------------------------- what is not the article


def _elements(root: LexborNode, dropped: set[int]) -> Iterator[LexborNode]:
    """Every element below ``root`` (itself included), skipping dropped subtrees."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.mem_id in dropped:
            continue
        yield node
        stack.extend(c for c in node.iter() if c.is_element_node)


def _furniture(tree: LexborHTMLParser, root: LexborNode, rules: _Rules) -> set[int]:
    """Node ids of scripts, menus, page headers and footers, hidden and furniture-named parts."""
    dropped: set[int] = set()
    for node in _elements(root, dropped):
        attrs = node.attributes
        tag = node.tag or ""
        if (
            tag in rules.drop_tags
            or "hidden" in attrs
            or (attrs.get("aria-hidden") or "").lower() == "true"
            or _HIDDEN_STYLE.search(attrs.get("style") or "")
            or (tag == "header" and not _inside(node, rules.keep_header_inside))
        ):
            dropped.add(node.mem_id)
    # Furniture by its role, class or id name, unless it wraps most of the page: layout
    # wrappers ("page-with-sidebar", a reading pane marked role=complementary) hold the article.
    sizes = _measure(root, dropped, rules)
    total = max(1, sizes[root.mem_id].text)
    for node in _elements(root, dropped):
        if node.mem_id == root.mem_id or not _furniture_named(node, rules):
            continue
        if sizes.get(node.mem_id, _Size()).text < _WRAPPER_SHARE * total:
            dropped.add(node.mem_id)
    return dropped


def _furniture_named(node: LexborNode, rules: _Rules) -> bool:
    attrs = node.attributes
    if (attrs.get("role") or "").lower() in rules.roles:
        return True
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    return not rules.words.isdisjoint(_CLASS_WORDS.split(names))


def _inside(node: LexborNode, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _drop_link_lists(
    container: LexborNode, dropped: set[int], sizes: dict[int, _Size], rules: _Rules
) -> None:
    """Lists and boxes whose text is mostly links: menus, "see also", tag clouds."""
    for node in _elements(container, dropped):
        if node.mem_id == container.mem_id:
            continue
        if node.tag not in rules.block_tags and node.tag not in rules.cell_tags:
            continue
        size = sizes.get(node.mem_id)
        if size is None or not size.text:
            continue
        if size.links / size.text >= _LINK_DENSE and len(node.css("a")) >= 2:
            dropped.add(node.mem_id)


def _drop_section_links(container: LexborNode, dropped: set[int], rules: _Rules) -> None:
    """Links alone on their line above the title ("Events", "Speeches and Remarks"): the
    section of the site the article is filed under, a breadcrumb, not a line of the article."""
    h1 = next((h for h in container.css("h1") if h.mem_id not in dropped), None)
    if h1 is None:
        return
    for link in container.css("a"):
        if link.mem_id not in dropped and _before(link, h1) and _alone(link, rules):
            dropped.add(link.mem_id)


def _alone(node: LexborNode, rules: _Rules) -> bool:
    """Whether ``node`` makes a line by itself: only blocks or white space beside it."""
    here: LexborNode | None = node
    while here is not None and here.tag not in rules.block_tags:
        for step in ("prev", "next"):
            sibling = getattr(here, step)
            while sibling is not None and sibling.is_text_node and not sibling.text_content.strip():
                sibling = getattr(sibling, step)
            if sibling is None or sibling.tag in rules.block_tags or sibling.tag == "br":
                continue
            return False
        here = here.parent
    return True


def _before(node: LexborNode, other: LexborNode) -> bool:
    """Whether ``node`` comes before ``other`` in document order (and is not inside it)."""
    return any(here.mem_id == other.mem_id for here in _following(node))


def _following(node: LexborNode) -> Iterator[LexborNode]:
    here: LexborNode | None = node
    while here is not None:
        sibling = here.next
        while sibling is not None:
            yield sibling
            yield from sibling.traverse()
            sibling = sibling.next
        here = here.parent


# ---------------------------------------------------------------- where the article is


def _measure(root: LexborNode, dropped: set[int], rules: _Rules) -> dict[int, _Size]:
    """Text sizes of every element below ``root``, dropped parts excluded."""
    sizes: dict[int, _Size] = {}

    def visit(node: LexborNode, block: _Size, in_link: bool) -> _Size:
        size = sizes.setdefault(node.mem_id, _Size())
        mine = size if node.tag in rules.block_tags else block
        link = in_link or node.tag == "a"
        for child in node.iter(include_text=True):
            if child.mem_id in dropped:
                continue
            if child.is_text_node:
                n = len(_collapse(child.text_content or ""))
                size.text += n
                size.links += n if link else 0
                mine.own += 0 if link else n
            elif child.is_element_node:
                below = visit(child, mine, link)
                size.text += below.text
                size.links += below.links
        return size

    _walk_guarded(lambda: visit(root, sizes.setdefault(root.mem_id, _Size()), False))
    return sizes


def _walk_guarded(walk: Any) -> None:
    """Run a recursive walk with room for deeply nested pages (HTML nests a few hundred deep)."""
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        walk()
    finally:
        sys.setrecursionlimit(limit)


def _site_container(root: LexborNode, site: dict[str, Any], dropped: set[int]) -> LexborNode | None:
    for selector in site.get("main", ()):
        for node in root.css(selector):
            if node.mem_id not in dropped and _collapse(node.text()):
                return node
    return None


def _densest(
    root: LexborNode, dropped: set[int], sizes: dict[int, _Size], rules: _Rules
) -> LexborNode:
    """The block richest in prose, widened to the article around it (title, date, lede).

    Each block's own prose counts fully for it, half for its parent and a quarter for its
    grandparent, so that a run of sibling paragraphs elects their container.
    """
    score: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for node in _elements(root, dropped):
        nodes[node.mem_id] = node
        own = sizes[node.mem_id].own
        if own < rules.min_prose:
            continue
        weight = 1.0
        here: LexborNode | None = node
        for _ in range(3):
            if here is None or here.mem_id not in nodes:
                break
            score[here.mem_id] = score.get(here.mem_id, 0.0) + own * weight
            here, weight = here.parent, weight / 2
    if not score:
        return root
    for mem_id in score:
        size = sizes[mem_id]
        score[mem_id] *= 1 - size.links / max(1, size.text)
    best = nodes[max(score, key=score.__getitem__)]
    best = _semantic_around(best, root, dropped, sizes, rules)
    return _widen(best, root, sizes)


def _semantic_around(
    best: LexborNode, root: LexborNode, dropped: set[int], sizes: dict[int, _Size], rules: _Rules
) -> LexborNode:
    """The smallest article/main element holding the best block, when it is mostly that block."""
    for selector in rules.main_selectors:
        for node in root.css(selector):
            if node.mem_id in dropped or node.mem_id not in sizes:
                continue
            if node.mem_id != best.mem_id and not _contains(node, best):
                continue
            if sizes[best.mem_id].text >= 0.5 * sizes[node.mem_id].text:
                return node
    return best


def _contains(outer: LexborNode, inner: LexborNode) -> bool:
    here = inner.parent
    while here is not None:
        if here.mem_id == outer.mem_id:
            return True
        here = here.parent
    return False


def _widen(best: LexborNode, root: LexborNode, sizes: dict[int, _Size]) -> LexborNode:
    """Climb while a parent adds little text: that little is the article's own header."""
    here = best
    while here.mem_id != root.mem_id and here.parent is not None:
        parent = here.parent
        if parent.mem_id not in sizes:
            break
        inner = sizes[here.mem_id].text
        extra = sizes[parent.mem_id].text - inner
        if extra > max(_CLIMB_SLACK_CHARS, _CLIMB_SLACK_SHARE * inner):
            break
        here = parent
    return here


# ---------------------------------------------------------------- the text


def _render(container: LexborNode, dropped: set[int], rules: _Rules) -> list[str]:
    """The container's text as blocks; each block's lines are its <br>-separated lines."""
    blocks: list[str] = []
    lines: list[str] = [""]
    preformatted = 0

    def flush() -> None:
        text = "\n".join(_collapse(line) for line in lines)
        for part in re.split(r"\n{2,}", text.strip("\n")):
            if part.strip():
                blocks.append(part.strip())
        lines[:] = [""]

    def visit(node: LexborNode) -> None:
        nonlocal preformatted
        for child in node.iter(include_text=True):
            if child.mem_id in dropped:
                continue
            if child.is_text_node:
                text = child.text_content or ""
                if preformatted:
                    first, *rest = text.split("\n")
                    lines[-1] += first
                    for line in rest:
                        lines.append(line)
                else:
                    lines[-1] += text
                continue
            if not child.is_element_node:
                continue
            tag = child.tag or ""
            if tag == "br":
                lines.append("")
            elif tag in rules.block_tags:
                flush()
                preformatted += tag == "pre"
                visit(child)
                preformatted -= tag == "pre"
                flush()
            elif tag in rules.cell_tags:
                lines[-1] += " "
                visit(child)
                lines[-1] += " "
            else:
                visit(child)

    _walk_guarded(lambda: (visit(container), flush()))
    return blocks


def _collapse(text: str) -> str:
    """Runs of HTML white space (source line wraps too) as one space, as a browser shows them."""
    return _SPACES.sub(" ", text).strip()
