"""Small HTTP algorithms Koa takes from npm packages: fresh, vary, encodeurl,
escape-html and content-disposition."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import quote

from .http import parse_http_date

__all__ = [
    "content_disposition",
    "encode_url",
    "escape_html",
    "is_fresh",
    "vary_append",
    "whatwg_fragment",
    "whatwg_path",
    "whatwg_query",
]

_NO_CACHE = re.compile(r"(?:^|,)\s*?no-cache\s*?(?:,|$)")


def is_fresh(
    if_none_match: str | None,
    if_modified_since: str | None,
    cache_control: str | None,
    etag: str | None,
    last_modified: str | None,
) -> bool:
    """RFC 7232 freshness of a response, as Node's ``fresh`` computes it."""
    if not if_modified_since and not if_none_match:
        return False
    if cache_control and _NO_CACHE.search(cache_control):
        return False
    if if_none_match and if_none_match != "*":
        if not etag:
            return False
        matches = (m.strip() for m in if_none_match.split(","))
        if not any(m == etag or m == "W/" + etag or "W/" + m == etag for m in matches):
            return False
    if if_modified_since:
        if not last_modified:
            return False
        modified, since = parse_http_date(last_modified), parse_http_date(if_modified_since)
        if modified is None or since is None:
            return False
        try:
            if not modified <= since:
                return False
        except TypeError:  # naive vs aware datetimes from odd date strings
            return False
    return True


def vary_append(header: str, fields: Iterable[str]) -> str:
    """Append *fields* to a Vary header value, without duplicates."""
    if header.strip() == "*":
        return "*"
    values = [v.strip() for v in header.split(",") if v.strip()]
    lowered = {v.lower() for v in values}
    for field in fields:
        for name in field.split(","):
            name = name.strip()
            if not name:
                continue
            if name == "*":
                return "*"
            if name.lower() not in lowered:
                values.append(name)
                lowered.add(name.lower())
    return ", ".join(values)


_ENCODE_CHARS = re.compile(
    r"(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]|%(?:[^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|$))+"
)
_ENCODE_URI_SAFE = ";,/?:@&=+$-_.!~*'()#"


def encode_url(url: str) -> str:
    """Percent-encode what a URL may not contain (spaces, non-ASCII, CR/LF, ``<>``)
    while leaving existing ``%XX`` escapes alone (Node's ``encodeurl``)."""
    return _ENCODE_CHARS.sub(
        lambda m: quote(m.group(0), safe=_ENCODE_URI_SAFE, errors="replace"), url
    )


# The WHATWG URL serializer's percent-encode sets for the path, the query of an
# http(s) URL and the fragment: controls, non-ASCII and a few ASCII characters
# ("%" itself stays, so existing escapes are kept as they are).
_PATH_ESCAPES = re.compile(r'[\x00-\x20"#<>?`{}\x7f-\U0010ffff]+')
_QUERY_ESCAPES = re.compile(r"[\x00-\x20\"#<>'\x7f-\U0010ffff]+")
_FRAGMENT_ESCAPES = re.compile(r'[\x00-\x20"<>`\x7f-\U0010ffff]+')
_SINGLE_DOT = frozenset({".", "%2e"})
_DOUBLE_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})


def _percent(match: re.Match[str]) -> str:
    return quote(match.group(0), safe="", errors="replace")


def whatwg_path(path: str) -> str:
    """An http(s) URL's path as ``new URL()`` writes it: ``.``/``..`` segments
    (``%2e`` too) resolved, what may not appear percent-encoded, ``/`` if empty."""
    if "." in path or "%2" in path:
        segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
        kept: list[str] = []
        for index, segment in enumerate(segments):
            lowered = segment.lower()
            last = index == len(segments) - 1
            if lowered in _DOUBLE_DOT:
                if kept:
                    kept.pop()
                if last:
                    kept.append("")
            elif lowered in _SINGLE_DOT:
                if last:
                    kept.append("")
            else:
                kept.append(segment)
        path = "/" + "/".join(kept)
    return _PATH_ESCAPES.sub(_percent, path) or "/"


def whatwg_query(query: str) -> str:
    """An http(s) URL's query as ``new URL()`` writes it (``%`` escapes kept)."""
    return _QUERY_ESCAPES.sub(_percent, query)


def whatwg_fragment(fragment: str) -> str:
    """A URL's fragment as ``new URL()`` writes it."""
    return _FRAGMENT_ESCAPES.sub(_percent, fragment)


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape_html(text: str) -> str:
    """Escape ``& < > " '`` for HTML."""
    return text.translate(_HTML_ESCAPES)


_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
# Node sends header strings as Latin-1 bytes, so content-disposition puts
# Latin-1 names in filename="...". aiohttp sends UTF-8, which a browser would
# read as mojibake: here only printable ASCII goes into filename="...", and
# every other name also gets filename*=UTF-8''... (a deliberate difference).
_TEXT = re.compile(r"^[\x20-\x7e]+\Z")
_NON_ASCII = re.compile(r"[^\x20-\x7e]")
_LATIN1 = re.compile(r"^[\x00-\xff]*\Z")
_HEX_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_ATTR_CHAR_SAFE = "!"


def _qstring(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ustring(value: str) -> str:
    return "UTF-8''" + quote(value.encode("utf-8", "replace"), safe=_ATTR_CHAR_SAFE)


def content_disposition(
    filename: str | None = None, *, type: str = "attachment", fallback: str | bool = True
) -> str:
    """A Content-Disposition value (RFC 6266 / RFC 5987), as Node's
    ``content-disposition`` builds it: only the basename is used, a Latin-1
    fallback name is added for non-Latin-1 names unless ``fallback=False``."""
    if not isinstance(type, str) or not _TOKEN.match(type):
        raise TypeError("invalid type")
    result = type.lower()
    if filename is None:
        return result
    if not isinstance(fallback, (str, bool)):
        raise TypeError("fallback must be a string or boolean")
    if isinstance(fallback, str) and _NON_ASCII.search(fallback):
        if not _LATIN1.match(fallback):
            raise TypeError("fallback must be ISO-8859-1 string")
        # Node sends a Latin-1 fallback as Latin-1 bytes; headers go out as
        # UTF-8 here, where they would arrive garbled: the non-ASCII characters
        # become "?" as in the fallback=True name (filename* has the real one).
        fallback = _NON_ASCII.sub("?", fallback)
    name = posixpath.basename(filename)
    is_quoted_string = bool(_TEXT.match(name))
    if isinstance(fallback, str):
        fallback_name: str | None = posixpath.basename(fallback)
    else:
        fallback_name = _NON_ASCII.sub("?", name) if fallback else None
    has_fallback = fallback_name is not None and fallback_name != name
    params: dict[str, str] = {}
    if has_fallback or not is_quoted_string or _HEX_ESCAPE.search(name):
        params["filename*"] = _ustring(name)
    if is_quoted_string or has_fallback:
        params["filename"] = _qstring(fallback_name if has_fallback and fallback_name else name)
    for key in sorted(params):
        result += f"; {key}={params[key]}"
    return result
