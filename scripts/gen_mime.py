#!/usr/bin/env python3
"""Generate koa-core's MIME table (``koa/core/_mime_db.py``) from mime-db.

Koa 3.3 resolves types with mime-types 3.0 over mime-db 1.54, and koa-compress
decides what to compress with ``compressible`` over the same mime-db. This
script reads mime-db's ``db.json`` and writes the three maps koa-core needs:

- extension -> type, choosing between types that claim the same extension
  with mime-types 3's ``mimeScore`` (facet, source, top-level type, length;
  a tie goes to the type listed later, as ``_preferredType`` does);
- type -> default charset (mime-db's ``charset``, lower-cased);
- type -> ``compressible`` flag (only the types mime-db has one for);
- the extensions Koa's ``ctx.accepts()`` resolves otherwise: Koa 3.3's
  ``accepts`` 1.3 still uses mime-types 2 over mime-db 1.52, whose older rule
  (source rank; on a tie the ``application/`` type stays) and older data give
  ``js`` as ``application/javascript``. Only the differences are stored.

usage: scripts/gen_mime.py [path/to/1.54/db.json path/to/1.52/db.json]
       (no paths: ``npm install mime-db@VERSION`` into temporary directories)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

MIME_DB_VERSION = "1.54.0"
#: The mime-db under mime-types 2, which Koa 3.3's accepts 1.3 uses.
ACCEPTS_MIME_DB_VERSION = "1.52.0"
OUTPUT = Path(__file__).resolve().parent.parent / ("packages/koa-core/src/koa/core/_mime_db.py")

# mime-types 3's mimeScore.js, as numbers.
FACET_SCORES = {"prs.": 100, "x-": 200, "x.": 300, "vnd.": 400}
FACET_DEFAULT = 900
SOURCE_SCORES = {"nginx": 10, "apache": 20, "iana": 40}
SOURCE_DEFAULT = 30
TYPE_SCORES = {"application": 1, "font": 2, "audio": 2, "video": 3}
_FACET = re.compile(r"(\.|x-).*", re.DOTALL)


def mime_score(mime: str, source: str | None) -> float:
    """How "official" *mime* is; the higher score wins an extension."""
    if mime == "application/octet-stream":
        return 0
    top, _, subtype = mime.partition("/")
    facet = _FACET.sub(r"\1", subtype, count=1)
    facet_score = FACET_SCORES.get(facet, FACET_DEFAULT)
    source_score = SOURCE_SCORES.get(source or "", SOURCE_DEFAULT)
    type_score = TYPE_SCORES.get(top, 0)
    return facet_score + source_score + type_score + (1 - len(mime) / 100)


def build(db: dict[str, Any]) -> tuple[dict[str, str], dict[str, str], dict[str, bool]]:
    """The extension, charset and compressible maps, from mime-db's data."""
    types: dict[str, str] = {}
    for mime, entry in db.items():  # db.json's order, as Object.keys()
        for ext in entry.get("extensions") or ():
            current = types.get(ext)
            score0 = mime_score(current, db[current].get("source")) if current else 0
            score1 = mime_score(mime, entry.get("source"))
            types[ext] = current if current and score0 > score1 else mime
    charsets = {m: e["charset"].lower() for m, e in db.items() if e.get("charset")}
    compressible = {m: bool(e["compressible"]) for m, e in db.items() if "compressible" in e}
    return types, charsets, compressible


def build_legacy(db: dict[str, Any]) -> dict[str, str]:
    """mime-types 2's extension map: a later type takes an extension unless
    the current one's source ranks higher, or ranks the same and is an
    ``application/`` type (octet-stream always gives way)."""
    rank: list[str | None] = ["nginx", "apache", None, "iana"]
    types: dict[str, str] = {}
    for mime, entry in db.items():
        for ext in entry.get("extensions") or ():
            current = types.get(ext)
            if current:
                was = rank.index(db[current].get("source"))
                now = rank.index(entry.get("source"))
                if current != "application/octet-stream" and (
                    was > now or (was == now and current.startswith("application/"))
                ):
                    continue
            types[ext] = mime
    return types


def _literal(value: object) -> str:
    # Double-quoted strings, as ruff format writes them.
    return repr(value) if isinstance(value, bool) or value is None else json.dumps(value)


def _dict(name: str, value_type: str, data: dict[str, Any]) -> str:
    lines = [f"{name}: Final[dict[str, {value_type}]] = {{"]
    lines += [f"    {json.dumps(key)}: {_literal(value)}," for key, value in sorted(data.items())]
    lines.append("}")
    return "\n".join(lines)


def render(db: dict[str, Any], version: str, legacy_db: dict[str, Any], legacy_version: str) -> str:
    """The generated module's source."""
    types, charsets, compressible = build(db)
    legacy = build_legacy(legacy_db)
    accepts = {
        ext: legacy.get(ext)
        for ext in sorted(types.keys() | legacy.keys())
        if legacy.get(ext) != types.get(ext)
    }
    head = (
        f'"""mime-db {version}, as mime-types 3 and compressible read it, and the\n'
        f"differences of mime-db {legacy_version} under mime-types 2 (Koa's ctx.accepts()).\n\n"
        "GENERATED by scripts/gen_mime.py: do not edit, run the script.\n"
        '"""\n\nfrom __future__ import annotations\n\nfrom typing import Final\n\n'
        "__all__ = [\n"
        '    "ACCEPTS_DIFFERENCES",\n'
        '    "ACCEPTS_MIME_DB_VERSION",\n'
        '    "CHARSETS",\n'
        '    "COMPRESSIBLE",\n'
        '    "MIME_DB_VERSION",\n'
        '    "TYPES",\n'
        "]\n\n"
        f'MIME_DB_VERSION: Final = "{version}"\n'
        f'ACCEPTS_MIME_DB_VERSION: Final = "{legacy_version}"\n\n'
        "#: Extension (lower case, no dot) -> the MIME type mime-types 3 picks."
    )
    parts = [
        head,
        _dict("TYPES", "str", types),
        "#: MIME type -> its default charset, when mime-db names one.",
        _dict("CHARSETS", "str", charsets),
        "#: MIME type -> mime-db's ``compressible`` flag, when it has one.",
        _dict("COMPRESSIBLE", "bool", compressible),
        f"#: Extension -> what mime-types 2 over mime-db {legacy_version} gives instead of\n"
        "#: TYPES' answer (None: not known there), for ctx.accepts().",
        _dict("ACCEPTS_DIFFERENCES", "str | None", accepts),
    ]
    return "\n\n".join(parts) + "\n"


def _read(path: Path) -> tuple[dict[str, Any], str]:
    package = path.parent / "package.json"
    version = json.loads(package.read_text())["version"] if package.exists() else "?"
    return json.loads(path.read_text()), version


def _fetch_db(version: str) -> tuple[dict[str, Any], str]:
    with tempfile.TemporaryDirectory() as tmp:
        command = ["npm", "install", "--silent", "--no-save", "--prefix", tmp]
        subprocess.run([*command, f"mime-db@{version}"], check=True)
        return _read(Path(tmp) / "node_modules" / "mime-db" / "db.json")


def main(argv: list[str]) -> int:
    if len(argv) == 3:
        (db, version), (legacy_db, legacy_version) = _read(Path(argv[1])), _read(Path(argv[2]))
    else:
        db, version = _fetch_db(MIME_DB_VERSION)
        legacy_db, legacy_version = _fetch_db(ACCEPTS_MIME_DB_VERSION)
    OUTPUT.write_text(render(db, version, legacy_db, legacy_version))
    print(f"wrote {OUTPUT} (mime-db {version}, {len(db)} types; accepts: {legacy_version})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
