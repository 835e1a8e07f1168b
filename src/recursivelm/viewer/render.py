"""The page's data (events folded to a sane size, the header summary, the timeline) and the one-file export.

The page builds the tree itself from the events' `parent` links, so the same code shows a finished
log and one still growing; this module only decides what the page is given.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ..text import head_and_tail, json_text
from .reader import Event, EventFile, RunSelection
from .summary import summarize
from .timeline import timeline

FOLD_CHARS = 20_000  # longer strings reach the page as head + tail: no log line may bloat it
FOLD_NOTE = "\n... [{cut:,} characters not shown by the viewer] ...\n"
FOLD_ITEMS = 100  # longer lists (a directory's skipped files) reach the page cut to this many

STATIC = resources.files(__package__) / "static"
CSS_TAG = '<link rel="stylesheet" href="viewer.css">'
JS_TAG = '<script src="viewer.js"></script>'


def fold(text: str, limit: int = FOLD_CHARS) -> str:
    return head_and_tail(text, limit, FOLD_NOTE)


def page_event(event: Event) -> Event:
    """The event as the page gets it: every long string folded (prompts, replies, code, output), long lists cut."""
    return _folded(event)


def _folded(value: Any) -> Any:
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, dict):
        return {k: _folded(v) for k, v in value.items()}
    if isinstance(value, list):
        kept = [_folded(v) for v in value[:FOLD_ITEMS]]
        return kept + [f"... {len(value) - FOLD_ITEMS:,} more not shown by the viewer"] if len(value) > FOLD_ITEMS else kept
    return value


def header(events: list[Event]) -> dict[str, Any]:
    """What the page's header shows: recomputed whenever the run grows."""
    return {"summary": summarize(events), "timeline": timeline(events)}


def page_data(events: list[Event], source: str, runs_in_file: int = 1, run_index: int = 0) -> dict[str, Any]:
    return {
        "source": source,
        "runs_in_file": runs_in_file,
        "run_number": run_index + 1,
        "events": [page_event(e) for e in events],
        **header(events),
    }


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def standalone_html(data: dict[str, Any]) -> str:
    """One HTML file that needs nothing else: the CSS, the JS and the data inlined, no URL fetched."""
    css, js = static_text("viewer.css"), static_text("viewer.js")
    for name, text, closer in (("viewer.css", css, "</style"), ("viewer.js", js, "</script")):
        if closer in text.lower():
            raise RuntimeError(f"{name} contains {closer}>: it cannot be inlined")
    # Inside a <script> element the HTML parser still reacts to "</script" (it ends the element) and to
    # "<!--" followed by "<script" (after that, "</script>" no longer ends it, and the page is blank). Every
    # "<" is written as \u003c, which is the same string to JSON and nothing at all to the HTML parser.
    payload = json_text(data, separators=(",", ":")).replace("<", "\\u003c")
    html = static_text("index.html")
    for tag in (CSS_TAG, JS_TAG):
        if tag not in html:
            raise RuntimeError(f"index.html lost its {tag!r}: the export cannot inline it")
    return (html.replace(CSS_TAG, f"<style>\n{css}</style>")
                .replace(JS_TAG, f'<script type="application/json" id="rlm-data">{payload}</script>\n<script>\n{js}</script>'))


def write_standalone_html(log: str | Path, out: str | Path, run: int | None = None) -> Path:
    """`rlm view LOG --html OUT`: one root run of the log (the last, or --run N) as a self-contained page."""
    log, out = Path(log), Path(out)
    if not log.is_file():
        raise ValueError(f"no such event log: {log}")
    selection = RunSelection(EventFile(log), run)
    selection.check()
    events = selection.events()
    if not events:
        raise ValueError(f"{log} holds no run (no run_start event): is it an `rlm ask --log` file?")
    data = page_data(events, source=log.name, runs_in_file=selection.runs_in_file(), run_index=selection.index or 0)
    out.write_text(standalone_html(data), encoding="utf-8")  # json_text: no lone surrogate is left to fail
    return out
