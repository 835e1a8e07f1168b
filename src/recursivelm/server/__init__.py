"""`rlm serve`: an OpenAI-compatible HTTP API answered by an RLM (see docs/server.md).

This module is the CLI glue only and imports nothing heavy, so `rlm --help` stays fast; the HTTP
stack (starlette, uvicorn) loads when the server starts.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from pathlib import Path

from .defaults import (API_KEY_ENV, OLD_API_KEY_ENV, DEFAULT_BACKLOG, DEFAULT_BODY_TIMEOUT_S, DEFAULT_HOST, DEFAULT_KEEP_ALIVE_S, DEFAULT_KEEP_RUNS,
                       DEFAULT_MAX_BODY_MB, DEFAULT_MAX_CONCURRENT_RUNS, DEFAULT_MAX_CONNECTIONS,
                       DEFAULT_MAX_QUEUED_RUNS, DEFAULT_PORT)

WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")  # bind every interface: no one name the clients will use


def add_serve_parser(subparsers) -> argparse.ArgumentParser:
    """Add `serve` to the `rlm` command's subparsers. It takes the same model, routing, profile,
    sandbox and limit flags as `rlm ask` (the limits are the ceiling for every request)."""
    from ..command import add_run_options, finite_float

    p = subparsers.add_parser(
        "serve", help="serve an OpenAI-compatible API (/v1/chat/completions) answered by an RLM",
        description="An OpenAI-compatible HTTP API: each chat completion is one RLM run over the conversation "
                    "(see docs/server.md). Binds 127.0.0.1 unless told otherwise.",
        conflict_handler="resolve",  # --log, --json and --quiet below replace their `rlm ask` meanings
    )
    add_run_options(p)
    p.add_argument("--log", type=Path, default=None, metavar="DIR",
                   help="write each run's JSONL events to DIR/<run id>.jsonl")
    p.add_argument("--json", action="store_true", help="log one JSON object per finished run on stderr")
    p.add_argument("--quiet", "-q", action="store_true", help="no per-run lines on stderr")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="a Host name the server answers besides loopback ones and --host (repeatable; '*': any). "
                        "Checked when there is no API key, or when names are given: it stops DNS rebinding")
    p.add_argument("--api-key", default=None,
                   help=f"require 'Authorization: Bearer KEY' on every request (default: ${API_KEY_ENV}, else none)")
    p.add_argument("--max-concurrent-runs", type=int, default=DEFAULT_MAX_CONCURRENT_RUNS, metavar="N",
                   help=f"runs executing at once; more wait in a queue (default {DEFAULT_MAX_CONCURRENT_RUNS})")
    p.add_argument("--max-queued-runs", type=int, default=DEFAULT_MAX_QUEUED_RUNS, metavar="N",
                   help=f"runs waiting for a slot before requests get 429 (default {DEFAULT_MAX_QUEUED_RUNS})")
    p.add_argument("--max-body-mb", type=finite_float, default=DEFAULT_MAX_BODY_MB, metavar="MB",
                   help=f"largest request body in MiB; larger ones get 413 (default {DEFAULT_MAX_BODY_MB:g})")
    p.add_argument("--keep-runs", type=int, default=DEFAULT_KEEP_RUNS, metavar="N",
                   help=f"finished runs kept for GET /v1/rlm/runs/ID (default {DEFAULT_KEEP_RUNS})")
    p.add_argument("--body-timeout-s", type=finite_float, default=DEFAULT_BODY_TIMEOUT_S, metavar="S",
                   help=f"longest wait for the next part of a request body before 408 (default {DEFAULT_BODY_TIMEOUT_S:g})")
    p.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS, metavar="N",
                   help=f"open connections before new ones get 503 (default {DEFAULT_MAX_CONNECTIONS})")
    p.add_argument("--served-model-name", default=None, metavar="NAME",
                   help="the model id /v1/models lists (default rlm-<root model name>)")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages from ORIGIN (e.g. http://localhost:3000; '*': any) call the API from a "
                        "browser (repeatable; default: none)")
    from .followups import DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_S

    p.add_argument("--max-sessions", type=int, default=DEFAULT_MAX_SESSIONS, metavar="N",
                   help="conversations with marked documents kept as sessions, their REPL kept between turns "
                        f"(default {DEFAULT_MAX_SESSIONS}; 0: none)")
    p.add_argument("--session-idle-s", type=finite_float, default=DEFAULT_SESSION_IDLE_S, metavar="S",
                   help=f"close a kept session unused this long (default {DEFAULT_SESSION_IDLE_S:g})")
    p.set_defaults(func=cmd_serve)
    return p


def config_from_args(args: argparse.Namespace):
    from ..cache import SubCallCache
    from ..command import limits_from_args, named_models, prices_from_args
    from .config import ServerConfig

    limits = limits_from_args(args)
    prices = prices_from_args(args, limits)  # a --max-cost it could not keep: refused before serving
    return ServerConfig.from_specs(
        args.model, sub_model=args.sub_model, child_model=args.child_model, models=named_models(args),
        temperature=args.temperature, endpoints=args.endpoints, limits=limits, profile=args.profile, sandbox=args.sandbox,
        prices=prices, cors_origins=tuple(getattr(args, "cors", ())), allow_unpriced=args.allow_unpriced,
        cache=SubCallCache(args.cache) if getattr(args, "cache", None) else None,
        api_key=args.api_key or os.environ.get(API_KEY_ENV) or os.environ.get(OLD_API_KEY_ENV) or None,
        allowed_hosts=tuple(args.allowed_host) + (() if args.host in WILDCARD_ADDRESSES else (args.host,)),
        body_timeout_s=args.body_timeout_s,
        max_concurrent_runs=args.max_concurrent_runs, max_queued_runs=args.max_queued_runs,
        max_body_bytes=int(args.max_body_mb * 1024 * 1024), keep_runs=args.keep_runs, log_dir=args.log,
        served_model_name=args.served_model_name,
        max_sessions=args.max_sessions, session_idle_s=args.session_idle_s,
        on_run_end=None if args.quiet else (_log_run_json if args.json else _log_run_text),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..command import EXIT_FAILED
    from .app import build_app
    from .hosts import is_loopback_host

    if args.max_connections < 1:
        raise ValueError(f"--max-connections must be at least 1, got {args.max_connections}")
    config = config_from_args(args)
    app = build_app(config)
    try:  # before saying where it listens: a port in use is one line and exit 1, not uvicorn's exit 3
        sock = _bind(args.host, args.port)
    except ServeError as e:
        print(f"rlm: {e}", file=sys.stderr)
        return EXIT_FAILED
    host, port = sock.getsockname()[:2]
    where = f"http://{f'[{host}]' if ':' in host else host}:{port}/v1"
    auth = "API key required" if config.api_key else "no API key"
    print(f"[rlm serve] {config.model_id} on {where} ({auth}; {config.max_concurrent_runs} runs at once)",
          file=sys.stderr)
    if not config.api_key and not is_loopback_host(args.host):
        print(f"[rlm serve] warning: {args.host} is reachable from other machines and no API key is set: anyone "
              f"who can reach it can run code in the sandbox; set --api-key or ${API_KEY_ENV}", file=sys.stderr)
        if args.host in WILDCARD_ADDRESSES and not args.allowed_host:
            print("[rlm serve] without an API key only loopback host names are answered: name the others with "
                  "--allowed-host", file=sys.stderr)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5,
                                           timeout_keep_alive=DEFAULT_KEEP_ALIVE_S,
                                           limit_concurrency=args.max_connections))
    server.run(sockets=[sock])
    if not server.started:  # uvicorn said why above; uvicorn.run() would exit 3, our code for "a limit fired"
        print("rlm: the server did not start", file=sys.stderr)
        return EXIT_FAILED
    return 0


class ServeError(Exception):
    """The server cannot start (its port is taken, its address is not this machine's): exit 1, one line."""


def _bind(host: str, port: int):
    import socket

    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restarts need no wait
        sock.bind(address)
        sock.listen(DEFAULT_BACKLOG)  # from now on a client waits in the queue, not refused, while uvicorn starts
    except OSError as e:
        reason = "the port is in use (stop what listens there, or pass --port N)" if e.errno == errno.EADDRINUSE else \
            e.strerror or str(e)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None
    return sock


def _run_summary(record) -> dict:
    result = record.result
    total = result.usage.total() if result else None
    return {"id": record.id, "status": record.status, "limit": result.limit if result else None,
            "error": record.error or (result.error if result else None),
            "wall_time_s": round(result.wall_time_s, 3) if result else None,
            "iterations": result.iterations if result else None, "calls": total.calls if total else 0,
            "prompt_tokens": total.input_tokens if total else 0,
            "completion_tokens": total.output_tokens if total else 0,
            "cost_usd": round(total.cost, 6) if total else 0.0, "unpriced_calls": total.unpriced_calls if total else 0}


def _log_run_json(record) -> None:
    print(json.dumps(_run_summary(record)), file=sys.stderr, flush=True)


def _log_run_text(record) -> None:
    from ..usage import cost_text

    s = _run_summary(record)
    detail = f" (limit {s['limit']})" if s["limit"] else f": {s['error']}" if s["error"] else ""
    timing = f" in {s['wall_time_s']:.1f}s, {s['iterations']} iterations," if s["wall_time_s"] is not None else ""
    print(f"[rlm serve] {s['id']} {s['status']}{detail}{timing} {s['calls']} calls, "
          f"{s['prompt_tokens'] + s['completion_tokens']:,} tokens, {cost_text(s['cost_usd'], s['unpriced_calls'])}",
          file=sys.stderr, flush=True)
