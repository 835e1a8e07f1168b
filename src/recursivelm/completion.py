"""`rlm completion bash|zsh|fish`: a shell completion script, written from the parser itself (so it never
drifts from the flags). Subcommands, each one's flags, the choices of a flag that has them (`--sandbox`),
and file names elsewhere.

    eval "$(rlm completion bash)"                          # ~/.bashrc
    eval "$(rlm completion zsh)"                           # ~/.zshrc
    rlm completion fish > ~/.config/fish/completions/rlm.fish
"""

from __future__ import annotations

import argparse
import shlex

SHELLS = ("bash", "zsh", "fish")


def add_completion_parser(subparsers, root: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p = subparsers.add_parser("completion", help="print a shell completion script (bash, zsh or fish)",
                              description='Add to your shell: eval "$(rlm completion bash)" in ~/.bashrc, '
                                          'eval "$(rlm completion zsh)" in ~/.zshrc, or rlm completion fish > '
                                          "~/.config/fish/completions/rlm.fish")
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(func=lambda args: _print(script(root, args.shell)))
    return p


def _print(text: str) -> int:
    print(text)
    return 0


def commands(root: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _flags(parser: argparse.ArgumentParser) -> list[tuple[str, list[str] | None]]:
    """(flag, its choices or None) for every long flag of `parser`."""
    out = []
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--"):
                out.append((flag, [str(c) for c in action.choices] if action.choices else None))
    return out


def script(root: argparse.ArgumentParser, shell: str) -> str:
    subs = commands(root)
    if shell == "fish":
        return _fish(subs)
    cases = []
    for name, parser in subs.items():
        flags = _flags(parser)
        choice_cases = "".join(f"      {flag}) COMPREPLY=($(compgen -W {shlex.quote(' '.join(choices))} -- \"$cur\")); return;;\n"
                               for flag, choices in flags if choices)
        words = " ".join(flag for flag, _ in flags)
        cases.append(f"    {name})\n      case \"$prev\" in\n{choice_cases}      esac\n"
                     f"      if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W {shlex.quote(words)} -- \"$cur\")); "
                     f"else COMPREPLY=($(compgen -f -- \"$cur\")); fi;;\n")
    body = (
        "_rlm() {\n"
        "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
        f"    COMPREPLY=($(compgen -W {shlex.quote(' '.join(subs) + ' --help --version')} -- \"$cur\")); return\n"
        "  fi\n"
        "  case \"${COMP_WORDS[1]}\" in\n"
        + "".join(cases)
        + "  esac\n}\n"
        "complete -o filenames -o bashdefault -F _rlm rlm"
    )
    if shell == "zsh":  # zsh runs bash completion functions through bashcompinit
        return "autoload -U +X bashcompinit && bashcompinit\n" + body
    return body


def _fish(subs: dict[str, argparse.ArgumentParser]) -> str:
    lines = ["complete -c rlm -f -n '__fish_use_subcommand' -l version -d 'print the version'"]
    for name, parser in subs.items():
        lines.append(f"complete -c rlm -f -n '__fish_use_subcommand' -a {shlex.quote(name)}")
        for flag, choices in _flags(parser):
            extra = f" -x -a {shlex.quote(' '.join(choices))}" if choices else ""
            lines.append(f"complete -c rlm -n '__fish_seen_subcommand_from {name}' -l {flag[2:]}{extra}")
    return "\n".join(lines)
