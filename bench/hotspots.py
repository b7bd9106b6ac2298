"""Where a peer server spends its time under wrk load: py-spy samples the
server process (pinned to CPU 0) while wrk (CPU 1) drives the scenario.

    python bench/hotspots.py [SCENARIO ...] [--framework koa] [--loop asyncio]
                             [--seconds 10] [--top 25]

Prints, per scenario, the functions with the most *own* time (the sampled
frame was that function) and the most *total* time (the function was on the
stack), as a percentage of the samples where the server was busy (idle time
in the event loop's ``select`` is not sampled). Needs ``py-spy``
(``pip install py-spy``) and the permission to trace the server (root, or
``ptrace_scope`` 0).
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "servers"))

from _common import SCENARIOS, STATIC_NAME, post_body, static_body  # noqa: E402
from suite import (  # noqa: E402
    CLIENT_CPU,
    LABELS,
    PY_FRAMEWORKS,
    Peer,
    running_server,
    verify,
    wrk_command,
)

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _short(frame: str) -> str:
    """``handle (/x/site-packages/aiohttp/web_protocol.py:512)`` ->
    ``handle (aiohttp/web_protocol.py)``."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/src/", "/lib/python3.11/", "/bench/"):
        if marker in path:
            path = path.rsplit(marker, 1)[1]
            break
    return f"{match['func']} ({path})"


def _area(frame: str) -> str:
    """The part of the stack a frame's file belongs to, for the per-area totals."""
    match = _FRAME.match(frame)
    path = match["file"] if match else frame
    if "/koa/" in path:
        return "koa." + path.split("/koa/", 1)[1].split("/", 1)[0]
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/bench/" in path:
        return "bench server code"
    return "Python stdlib"


Ranked = list[tuple[str, float]]


def summarise(collapsed: str, top: int) -> tuple[int, Ranked, Ranked, Ranked]:
    """(samples, [(function, own %)], [(function, total %)], [(area, own %)])
    from py-spy's collapsed-stack output (``frame;frame;frame count`` lines)."""
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    areas: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        raw = [f for f in stack.split(";") if _FRAME.match(f)]  # drops thread/process names
        if not raw:
            continue
        frames = [_short(f) for f in raw]
        samples += count
        own[frames[-1]] += count
        areas[_area(raw[-1])] += count
        for frame in set(frames):
            total[frame] += count
    pct = 100.0 / samples if samples else 0.0
    skip = ("<module>", "run (", "main (", "Runner.run", "BaseEventLoop.run_")
    return (
        samples,
        [(f, n * pct) for f, n in own.most_common(top)],
        [(f, n * pct) for f, n in total.most_common() if not f.startswith(skip)][:top],
        [(a, n * pct) for a, n in areas.most_common()],
    )


def profile(
    scenario: str,
    framework: str,
    loop: str,
    seconds: float,
    top: int,
    work: Path,
    *,
    gil: bool = False,
) -> str:
    """Markdown: the hotspots of *framework* on *loop* serving *scenario*."""
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        return "py-spy is not installed (pip install py-spy): no profile\n"
    extra = ["--gil"] if gil else []
    peer = Peer(f"{framework}/{loop}", framework, loop, LABELS[framework])
    out_file = work / f"{framework}-{loop}-{scenario}.collapsed"
    with running_server(peer, scenario, work, f"profile-{scenario}") as (proc, port):
        verify(scenario, port)
        spy = subprocess.Popen(
            [
                *("taskset", "-c", CLIENT_CPU, py_spy, "record", "--pid", str(proc.pid)),
                *("--format", "raw", "--rate", "250", "--nonblocking", "--full-filenames", *extra),
                *("--duration", str(round(seconds) + 1), "--output", str(out_file)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wrk = wrk_command(scenario, port, seconds, 64, work)
            subprocess.run(wrk, capture_output=True, timeout=seconds + 30, check=False)
            _, err = spy.communicate(timeout=seconds + 30)
        finally:
            if spy.poll() is None:
                spy.kill()
                spy.wait()
    if not out_file.exists():
        return f"py-spy failed: {err.decode(errors='replace')[-500:]}\n"
    samples, own, total, areas = summarise(out_file.read_text(), top)
    lines = [f"#### {peer.label} ({loop}), `{scenario}`: {samples} busy samples", ""]
    tables = (("own", own), ("total (on the stack)", total), ("own, by area", areas))
    for title, rows in tables:
        lines += [f"| {title} % | function (file) |", "|---:|---|"]
        lines += [f"| {p:.1f} | `{f}` |" for f, p in rows]
        lines.append("")
    return "\n".join([*lines, ""]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenarios", nargs="*", default=["plaintext", "json_router"])
    parser.add_argument("--framework", default="koa", choices=list(PY_FRAMEWORKS))
    parser.add_argument("--loop", default="asyncio", choices=["asyncio", "uvloop"])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument(
        "--gil", action="store_true", help="sample only the thread holding the GIL (py-spy --gil)"
    )
    args = parser.parse_args()
    unknown = set(args.scenarios) - {*SCENARIOS, "plaintext_logger"}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="koa-hotspots-") as tmp:
        work = Path(tmp)
        (work / "static").mkdir()
        (work / "static" / STATIC_NAME).write_bytes(static_body())
        (work / "body.json").write_bytes(post_body())
        for scenario in args.scenarios:
            print(
                profile(
                    scenario, args.framework, args.loop, args.seconds, args.top, work, gil=args.gil
                )
            )


if __name__ == "__main__":
    main()
