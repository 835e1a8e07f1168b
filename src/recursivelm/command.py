"""What the `rlm` commands share: the run options and how a command runs.

- `add_run_options`: the flags of every command that starts runs (`rlm ask`, `rlm demo`, `rlm serve`): the
  models and their routing, the profile, the sandbox, the cache, the log, and one flag per limit of
  `settings.Limits`; `limits_from_args` and `named_models` read them back.
- `run_command`: parse, run the chosen command's `func`, and turn what went wrong into one line on stderr
  and an exit code (0 answered, 3 stopped by a limit, 1 failed, 2 bad input, 130 interrupted).

`cli.py` (the `rlm` parser), `server/` (`rlm serve`) and `bench/cli.py` (`rlm bench`) import this module;
it imports none of them.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from dataclasses import fields
from pathlib import Path

from .context import ContextError
from .pricing import PriceTable
from .protocols import ModelError
from .sandbox.containment import SandboxUnavailable, WeakIsolationWarning
from .settings import LIMIT_HELP, Limits
from .text import terminal_safe
from .user_config import fill_model_defaults

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_LIMIT = 0, 1, 2, 3


def add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None,
                   help="root model: embedded, embedded:/path.gguf, openai/NAME, ollama/NAME, anthropic/NAME, "
                        "scripted:FILE.json (default: $RECURSIVELM_MODEL, else model= in "
                        "~/.config/recursivelm/config.toml, else embedded; `rlm models` lists them)")
    p.add_argument("--sub-model", default=None, help="model for llm_query() (default: the root model)")
    p.add_argument("--child-model", default=None, help="root model of child RLMs from rlm_query() (default: --model)")
    p.add_argument("--models", action="append", default=[], metavar="NAME=MODEL",
                   help="a named model code may ask for: llm_query(p, model='NAME'); repeatable")
    p.add_argument("--temperature", type=finite_float, default=None, metavar="T",
                   help="sampling temperature of every model named here (default: each backend's own; the "
                        "embedded model's is 0, an OpenAI-compatible server's is its own, often 0.7-1)")
    p.add_argument("--endpoints", type=endpoint_list, default=None, metavar="URL,URL",
                   help="several OpenAI-compatible servers (replicas) serving the models named here: each request "
                        "goes to the one with the fewest in flight, one that fails is set aside (models/fleet.py)")
    p.add_argument("--profile", default="auto", help="prompt profile: auto, default, small, or a .toml path")
    p.add_argument("--sandbox", default="isolated", choices=["isolated", "inprocess"],
                   help="where model code runs: isolated (default: a contained worker process, no network, no secrets) or inprocess (trusted code only, fastest)")
    p.add_argument("--cache", type=Path, default=None,
                   help="a SQLite file caching sub-call results across runs (identical prompts are not paid twice)")
    p.add_argument("--log", type=Path, default=None, help="append the run's JSONL events to this file")
    p.add_argument("--json", action="store_true", help="print the whole Result as JSON instead of the answer")
    p.add_argument("--prices", type=Path, default=None, metavar="FILE.json",
                   help='prices overriding the built-in ones, USD per 1M tokens: {"openai/NAME": {"input": 1.25, '
                        '"output": 10, "cached_input": 0.125}}')
    p.add_argument("--allow-unpriced", action="store_true",
                   help="run with --max-cost even when a model has no known price (its calls are not counted)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    for f in fields(Limits):
        kind = finite_float if "float" in str(f.type) else int
        p.add_argument(f"--{f.name.replace('_', '-')}", type=kind, default=None, metavar="N",
                       help=f"{LIMIT_HELP[f.name]} (default: {f.default})")


def add_samples_option(p: argparse.ArgumentParser) -> None:
    """--samples K (self-consistency, consistency.py), for the commands whose runs can take it."""
    p.add_argument("--samples", type=positive_int, default=1, metavar="K",
                   help="self-consistency: K root trajectories, the answer with the most evidence wins (found in "
                        "a cell output or the input, then the majority); samples 2..K sample at a temperature; "
                        "costs up to K times as much (default 1)")


def positive_int(text: str) -> int:
    """argparse type for a count of 1 or more."""
    value = int(text)  # a ValueError here is argparse's "invalid positive_int value"
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not 1 or more")
    return value


def finite_float(text: str) -> float:
    """argparse type for a float flag: float() alone takes "nan" and "inf", which pass every limit check."""
    value = float(text)  # a ValueError here is argparse's "invalid finite_float value"
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def endpoint_list(text: str) -> list[str]:
    """argparse type for --endpoints: base URLs separated by commas, checked by models/fleet.py."""
    from .models.fleet import FleetError, parse_endpoints

    try:
        return parse_endpoints(text)
    except FleetError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def named_models(args: argparse.Namespace) -> dict[str, str]:
    """--models NAME=MODEL flags as a dict."""
    named = {}
    for item in args.models:
        name, sep, spec = item.partition("=")
        if not sep or not name or not spec:
            raise ValueError(f"--models takes NAME=MODEL, got {item!r}")
        named[name] = spec
    return named


def limits_from_args(args: argparse.Namespace) -> Limits:
    given = {f.name: getattr(args, f.name) for f in fields(Limits) if getattr(args, f.name) is not None}
    return Limits(**given)


def prices_from_args(args: argparse.Namespace, limits: Limits) -> PriceTable:
    """The price table a command's runs use (built-in prices, --prices on top), after checking that a cost
    limit can be kept: with --max-cost and a model no price is known for, that limit would protect nothing
    (its calls cost "$0"), so the command refuses to start unless --allow-unpriced says to go on."""
    prices = PriceTable.from_file(args.prices) if getattr(args, "prices", None) else PriceTable()
    if limits.max_cost is None:
        return prices
    specs = [args.model, args.sub_model, args.child_model, *named_models(args).values()]
    names = [getattr(s, "name", s) for s in specs if s is not None]
    unknown = sorted({n for n in names if not prices.knows(n)})
    if unknown and getattr(args, "allow_unpriced", False):
        if not getattr(args, "quiet", False):
            print(f"rlm: warning: no price is known for {', '.join(unknown)}: --max-cost {limits.max_cost:g} counts "
                  "only the other calls (--allow-unpriced)", file=sys.stderr)
        return prices
    if unknown:
        raise ValueError(
            f"--max-cost {limits.max_cost:g} cannot be kept: no price is known for {', '.join(unknown)}. Give its "
            f'price with --prices FILE.json ({{"{unknown[0]}": {{"input": USD_PER_1M, "output": USD_PER_1M}}}}), '
            "or pass --allow-unpriced to run with its calls left out of the cost")
    return prices


def run_command(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse `argv` with `parser`, run the command's `func`, and return its exit code."""
    for stream in (sys.stdout, sys.stderr):
        # Model-made text may hold a lone surrogate, which strict UTF-8 cannot encode: write it as `\udXXX`
        # rather than lose the answer to a UnicodeEncodeError after the run.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = parser.parse_args(argv)
    _isolation_warning(getattr(args, "quiet", False))
    try:
        fill_model_defaults(args)  # --model left out: $RECURSIVELM_MODEL, the config file, or embedded
        _check_local_servers(args)
        return args.func(args)
    except ContextError as e:
        print(f"rlm: bad input: {terminal_safe(str(e))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SandboxUnavailable as e:
        print(f"rlm: {terminal_safe(_sandbox_advice(str(e)))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, ModelError) as e:  # bad settings, unknown model
        print(f"rlm: {terminal_safe(str(e))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `rlm ... | head`: the reader left; nothing more to say
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:  # say what survived: a command may name it (bench run), else the --log file
        kept = getattr(args, "interrupted", None) or (f"the events so far are in {args.log}" if getattr(args, "log", None) else "")
        print(f"rlm: interrupted{f' ({kept})' if kept else ''}", file=sys.stderr)
        return 130


def _sandbox_advice(message: str) -> str:
    """No isolated sandbox here, said for a command line: flags, not Python (the message serves the API too),
    and off Linux no apt-get: the isolated sandbox needs Linux itself."""
    if not sys.platform.startswith("linux"):
        return (f"the isolated sandbox needs Linux (bubblewrap or user namespaces), and this is {sys.platform}: "
                "use --sandbox inprocess (trusted models only), or run rlm in a Linux VM or container")
    return message.replace(" (sandbox='inprocess')", "")


def _check_local_servers(args: argparse.Namespace) -> None:
    """A model on a local server that is not running: one line now, not four retries and a failed run."""
    if getattr(args, "endpoints", None):
        return  # the model is served by the endpoints named, not at its provider's usual address
    from .models.registry import unreachable_local_server

    specs = [getattr(args, key, None) for key in ("model", "sub_model", "child_model")]
    for spec in [*specs, *(named_models(args).values() if getattr(args, "models", None) else [])]:
        reason = unreachable_local_server(spec) if isinstance(spec, str) else None
        if reason:
            raise ValueError(reason)


def _isolation_warning(quiet: bool) -> None:
    """The sandbox's isolation warning: one line, once per process (child runs make sandboxes too); -q: none."""
    warnings.filterwarnings("ignore" if quiet else "once", category=WeakIsolationWarning)
    show = warnings.showwarning

    def one_line(message, category, *rest, **kwargs):
        if issubclass(category, WeakIsolationWarning):
            print(f"rlm: {message}", file=sys.stderr)
        else:
            show(message, category, *rest, **kwargs)

    warnings.showwarning = one_line
