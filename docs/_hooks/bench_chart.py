"""MkDocs hook: put the benchmark chart on the performance page when it exists.

``bench/run.sh`` writes ``bench/ratios.png`` (outside ``docs/``). When the file
is there, it is copied into the site and the ``<!-- bench-chart -->`` marker of
performance.md becomes the picture; otherwise the marker becomes a note saying
how to produce it, so the strict build never links to a missing file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

MARKER = "<!-- bench-chart -->"
CHART = Path("bench") / "ratios.png"
SITE_PATH = "assets/bench-ratios.png"


def _chart(config: Any) -> Path:
    return Path(config["config_file_path"]).parent / CHART


def on_files(files: Files, config: Any) -> Files:
    chart = _chart(config)
    if chart.is_file():
        files.append(File.generated(config, SITE_PATH, abs_src_path=str(chart)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if MARKER not in markdown:
        return markdown
    if _chart(config).is_file():
        depth = page.file.src_uri.count("/")
        picture = (
            f"![Requests per second relative to aiohttp, per framework and scenario]"
            f"({'../' * depth}{SITE_PATH})"
        )
    else:
        picture = (
            '!!! note "No chart in this build"\n'
            "    `bench/ratios.png` did not exist when this site was built: run\n"
            "    `bench/run.sh` first (see below), then rebuild the docs."
        )
    return markdown.replace(MARKER, picture)
