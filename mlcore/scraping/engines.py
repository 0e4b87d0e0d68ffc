"""Image search engines: where each one's result pages keep the full-size image URLs.

An engine is mostly data, a search URL and CSS selectors, so that when a site changes its layout
the fix is an edit here; loading, scrolling and collecting (browser.py) stay the same.
"""

import json
from pathlib import PurePosixPath
from urllib.parse import quote_plus, urljoin, urlsplit

from mlcore.training.datasets import EXTENSIONS

READ_ATTRIBUTE = """
return Array.from(document.querySelectorAll(arguments[0]), e => e.getAttribute(arguments[1]));
"""
READ_IMAGES = """
return Array.from(document.querySelectorAll(arguments[0]), img => {
    const link = img.closest("a[href]");
    return [link && link.getAttribute("href"), img.getAttribute("src"), img.getAttribute("srcset")];
});
"""


class Engine:
    """A results page whose `results` elements carry a full-size image URL in `attribute`."""

    search_url = ""  # {query} stands for the URL-encoded query
    results = ""  # CSS selector of the elements that carry the URLs
    attribute = "href"
    json_key = None  # the attribute holds JSON with the URL under this key
    more = None  # CSS selector of the "more results" button
    script = READ_ATTRIBUTE

    def page_url(self, query):
        return self.search_url.format(query=quote_plus(query))

    def read(self, driver):
        """The image URLs on the page now, in page order."""
        values = driver.execute_script(self.script, self.results, self.attribute)
        urls = (self.image_url(value, driver.current_url) for value in values)
        return [url for url in urls if url]

    def image_url(self, value, page_url):
        if value and self.json_key:
            try:
                value = json.loads(value).get(self.json_key)
            except (ValueError, AttributeError):
                return None
        return web_url(value, page_url)


class Bing(Engine):
    search_url = "https://www.bing.com/images/search?q={query}"
    results = "a.iusc"
    attribute = "m"
    json_key = "murl"
    more = "a.btn_seemore, .mm_seemore"


class Gallery(Engine):
    """Every <img> on the page whose URL is the query: the image its link opens, else its largest
    source."""

    results = "img"
    script = READ_IMAGES

    def page_url(self, query):
        if urlsplit(query).scheme not in ("http", "https"):
            raise ValueError(f"the gallery engine takes a page's http(s) URL, not {query!r}")
        return query

    def image_url(self, row, page_url):
        link, src, srcset = row
        link = web_url(link, page_url)
        if link and PurePosixPath(urlsplit(link).path).suffix.lower() in EXTENSIONS:
            return link
        return web_url(largest(srcset) or src, page_url)


def largest(srcset):
    """The URL with the largest width or density descriptor ("800w", "2x") in an srcset."""
    best, best_size = None, -1.0
    for entry in (srcset or "").split(","):
        url, _, descriptor = entry.strip().partition(" ")
        try:
            size = float(descriptor.strip()[:-1] or 1)
        except ValueError:
            size = 0.0
        if url and size > best_size:
            best, best_size = url, size
    return best


def web_url(value, page_url):
    """value resolved against the page, if it is an http(s) URL (not data:, javascript:...)."""
    if not isinstance(value, str) or not value.strip():
        return None
    url = urljoin(page_url, value.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


ENGINES = {"bing": Bing, "gallery": Gallery}
