"""The rendered pages in a real browser: Debian's chromium, driven by Playwright, at a desktop and a phone width.

``check_page`` opens one page (``report.html``, a section page, ``outputs/index.html``, any HTML file) with its
Content-Security-Policy in force and returns what a reader would meet there: whether the page scrolls sideways,
the console's errors (a CSP violation is one), links to a file or an id that does not exist, tables without a
size or whose label column scrolls out of view, and images that did not load or lack a Chinese text alternative.
The tests import it like helpers.py; ``python tests/browser.py outputs`` (``make screenshots``) checks every rendered
report (and ``outputs/index.html``) at both widths and writes the screenshots a reviewer looks at beside each page
(``outputs/<body>/<year>/screenshots/report-1280.png``, ``…-390.png``).

The browser is the system's chromium (no browser is downloaded): ``$NIANBAO_CHROMIUM``, else ``chromium``,
``chromium-browser`` or ``google-chrome`` on the PATH (``scripts/install-system-deps`` installs Debian's).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

WIDTHS = (1280, 390)  # a desktop window, a phone (iPhone 12–15) in portrait
HEIGHT = 900
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
CJK = re.compile(r"[\u4e00-\u9fff]")
SCREENSHOTS_DIR = "screenshots"


def chromium_path() -> str:
    """The browser to drive: ``$NIANBAO_CHROMIUM`` or the first of BROWSERS on the PATH."""
    configured = os.environ.get("NIANBAO_CHROMIUM")
    if configured:
        return configured
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("no chromium found: install Debian's (scripts/install-system-deps installs it) or set NIANBAO_CHROMIUM")


@contextmanager
def browser() -> Iterator:
    """A headless chromium for the duration of the block (``--no-sandbox`` when running as root)."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=args)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class PageCheck:
    """What a reader meets on one page at one width; ``problems()`` lists what is wrong, empty when nothing is."""

    page: Path
    width: int
    overflow: int = 0  # how far the page scrolls sideways (px); 0 when it fits the window
    console_errors: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # links, tables and images looked at

    def problems(self) -> list[str]:
        where = f"{self.page.name} @ {self.width}px"
        found = [f"{where}: 页面横向溢出 {self.overflow}px"] if self.overflow > 0 else []
        found += [f"{where}: 控制台错误: {e}" for e in self.console_errors]
        found += [f"{where}: 链接无效: {e}" for e in self.broken_links]
        found += [f"{where}: 表格: {e}" for e in self.tables]
        found += [f"{where}: 图片: {e}" for e in self.images]
        return found


# --- what the page reports (run in the page by the devtools protocol, which the page's CSP does not restrict) ---

_LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
_IDS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"
_OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"
_IMAGES = """() => [...document.images].map(img => ({
    src: (img.getAttribute('src') || '').slice(0, 40), alt: img.getAttribute('alt'),
    loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width }))"""
# every table: its size; then, scrolled to the far end of the container that scrolls it sideways (if any), whether
# the label cells of each data row (its leading <th>, or the first cell of a plain table with a <thead>) are still
# inside the container
_TABLES = """() => [...document.querySelectorAll('table')].map((table, index) => {
    const box = table.getBoundingClientRect();
    const name = (table.closest('figure')?.querySelector('figcaption')?.textContent
                  || table.querySelector('th, td')?.textContent || '').trim().slice(0, 30);
    const result = {index, name, width: box.width, height: box.height, hidden: [], scrolled: 0};
    let scroller = table.parentElement;
    while (scroller && scroller !== document.body && getComputedStyle(scroller).overflowX === 'visible')
        scroller = scroller.parentElement;
    if (!scroller || scroller === document.body) return result;
    scroller.scrollLeft = scroller.scrollWidth;
    result.scrolled = scroller.scrollLeft;
    const frame = scroller.getBoundingClientRect();
    for (const row of table.rows) {
        const cells = [...row.cells];
        if (!cells.some(c => c.tagName === 'TD')) continue;
        let labels = cells.slice(0, cells.findIndex(c => c.tagName === 'TD'));
        // no label column: an official table labels its rows with <th>, so a row of it without one has none
        // (表四: one row of numbers under its head); nor has a plain table without a <thead>
        if (labels.length === 0 && (!table.tHead || table.classList.contains('official'))) continue;
        if (labels.length === 0) labels = cells.slice(0, 1);  // a plain table with a head: its first column
        for (const cell of labels) {
            const r = cell.getBoundingClientRect();
            if (r.left < frame.left - 1 || r.right > frame.right + 1)
                result.hidden.push(cell.textContent.trim().slice(0, 20));
        }
    }
    scroller.scrollLeft = 0;
    return result;
})"""


def _link_problem(page: Path, href: str, ids: set[str]) -> str | None:
    """Why ``href`` on ``page`` leads nowhere, or None: an in-document or relative link must reach an existing file
    and, with a fragment, an element of that id (raw or percent-decoded). Links to other sites are not followed."""
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto"):
        return None
    if parts.scheme or parts.netloc:
        return f"{href}（不是页面内或相对链接）"
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
    if not target.is_file():
        return f"{href}（文件不存在）"
    if not parts.fragment:
        return None
    targets = ids if target == page.resolve() else _ids_of(target)
    if parts.fragment in targets or unquote(parts.fragment) in targets:
        return None
    return f"{href}（没有 id 为 {unquote(parts.fragment)} 的元素）"


def _ids_of(path: Path) -> set[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {str(e["id"]) for e in soup.find_all(id=True)}


def _table_problems(tables: list[dict]) -> list[str]:
    problems = []
    for table in tables:
        name = f"第{table['index'] + 1}个表格（{table['name']}）"
        if table["width"] <= 0 or table["height"] <= 0:
            problems.append(f"{name}没有显示（{table['width']:.0f}×{table['height']:.0f}）")
        if table["hidden"]:
            problems.append(f"{name}横向滚动后标签列看不见: {'、'.join(table['hidden'][:3])}")
    return problems


def _image_problems(images: list[dict]) -> list[str]:
    problems = []
    for image in images:
        if not image["loaded"]:
            problems.append(f"{image['src']}… 没有载入")
        if not image["alt"] or not CJK.search(image["alt"]):
            problems.append(f"{image['src']}… 缺少中文替代文字（alt={image['alt']!r}）")
        elif image["width"] <= 0:
            problems.append(f"{image['alt'][:20]} 没有显示")
    return problems


def check_page(instance, page: Path, width: int, screenshot: Path | None = None) -> PageCheck:
    """Open ``page`` (a file) in ``instance`` (from ``browser()``) at ``width`` px and check it; with
    ``screenshot``, write a full-page PNG there."""
    page = Path(page).resolve()
    context = instance.new_context(viewport={"width": width, "height": HEIGHT})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("requestfailed", lambda request: errors.append(f"请求失败: {request.url[:80]}"))
    try:
        tab.goto(page.as_uri(), wait_until="load")
        result = PageCheck(page, width)
        result.overflow = max(0, int(tab.evaluate(_OVERFLOW)))
        links = tab.evaluate(_LINKS)
        ids = set(tab.evaluate(_IDS))
        result.broken_links = [p for p in (_link_problem(page, href, ids) for href in links) if p]
        tables = tab.evaluate(_TABLES)
        result.tables = _table_problems(tables)
        images = tab.evaluate(_IMAGES)
        result.images = _image_problems(images)
        result.counts = {"links": len(links), "tables": len(tables), "images": len(images)}
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(screenshot), full_page=True)
        result.console_errors = list(errors)
        return result
    finally:
        context.close()


def pages_of(path: Path) -> list[Path]:
    """The pages a path stands for: an HTML file itself; a report folder's ``report.html``; in an outputs folder,
    its ``index.html`` (if any) and every ``<body>/<year>/report.html``."""
    path = Path(path)
    if path.is_file():
        return [path]
    if (path / "report.html").is_file():
        return [path / "report.html"]
    index = [path / "index.html"] if (path / "index.html").is_file() else []
    return index + sorted(path.glob("*/*/report.html"))


def screenshots(paths: list[Path], widths=WIDTHS) -> list[str]:
    """Check every page of ``paths`` (see ``pages_of``) at every width and write ``screenshots/<page>-<width>.png``
    beside it. The problems found."""
    pages = [page for path in paths for page in pages_of(path)]
    if not pages:
        return [f"{', '.join(map(str, paths))}: 没有可检查的页面（先运行 nianbao run）"]
    problems = []
    with browser() as instance:
        for page in pages:
            for width in widths:
                shot = page.parent / SCREENSHOTS_DIR / f"{page.stem}-{width}.png"
                result = check_page(instance, page, width, screenshot=shot)
                problems += result.problems()
                counts = result.counts
                print(f"{shot}  ({counts['tables']} 表, {counts['images']} 图, {counts['links']} 链接)")
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python tests/browser.py OUTPUTS|OUTPUT_DIR|PAGE.html ...", file=sys.stderr)
        return 2
    problems = screenshots([Path(a) for a in argv])
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
