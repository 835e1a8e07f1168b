"""`rlm view RUN.jsonl`: a run's trajectory as a page, live while the run is still writing it.

Wire into the CLI with `add_view_parser(subparsers)`; the parser's default `func` is `cmd_view`.
"""

from __future__ import annotations

import argparse
import sys
import webbrowser
from pathlib import Path

from .render import write_standalone_html
from .server import ViewerServer

__all__ = ["ViewerServer", "add_view_parser", "cmd_view", "write_standalone_html"]


def add_view_parser(subparsers) -> argparse.ArgumentParser:
    view = subparsers.add_parser(
        "view", help="show a run's --log file in the browser (live while the run is going)",
        description="Serve a page showing the run recorded in a JSONL event log (rlm ask --log FILE): the tree of "
                    "iterations, cells, sub-calls and child runs, totals per model and depth, and a timeline. "
                    "The page follows the file while a run is still writing it.",
    )
    view.add_argument("log", type=Path, help="the JSONL event log (from --log)")
    view.add_argument("--html", type=Path, default=None, metavar="OUT.html",
                      help="write one self-contained HTML file instead of serving")
    view.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    view.add_argument("--no-open", action="store_true", help="print the URL but do not open a browser")
    view.add_argument("--run", type=int, default=None, metavar="N",
                      help="which run of a log holding several (--log appends): 1 is the first, -1 the last (default)")
    view.set_defaults(func=cmd_view)
    return view


def cmd_view(args: argparse.Namespace) -> int:
    if args.html:
        out = write_standalone_html(args.log, args.html, run=args.run)
        print(f"[rlm view] wrote {out}", file=sys.stderr)
        return 0
    if not args.log.parent.is_dir():
        raise ValueError(f"no such directory for the event log: {args.log.parent}")
    server = ViewerServer(args.log, port=args.port, run=args.run)
    print(server.url, flush=True)
    waiting = "" if args.log.exists() else " (it does not exist yet: the page waits for a run to write it)"
    print(f"[rlm view] serving {args.log}{waiting} on 127.0.0.1 only; Ctrl-C stops", file=sys.stderr)
    if not args.no_open:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # stopping the viewer is the normal way to end it, not an interruption of anything
    finally:
        server.close()
    return 0
