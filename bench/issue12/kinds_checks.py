"""Which check of a record's kind does the 1.5B sub-model get right most often (wordings.py, twenty-third step)?

kinds_prompts.py measured three wordings on eight lines of the fresh probe's logs. Its best (V8, CHECK_PROMPT
since) said yes to "Accepted publickey for alice" as an unsuccessful login attempt, and the count was 1843 for
520. This asks about more lines, of logs no probe uses, written before any check was run: each line is or is
not what a how-many question counts, and many differ from a counted line only in whether something worked.

- V8: the line alone, "Is this line about {thing}?" (CHECK_PROMPT as it was).
- DESCRIBE: the sub-model first says in a few words what the line records; then is asked whether that is
  {thing}. The description carries the outcome ("successful public key login") in words a yes/no can test.
- PAIRWISE: two kinds at a time, in both orders, "which line is about {thing}?"; the kind that wins every
  comparison, or the kind that wins more of them than any other, is the one counted (none on a tie).
(CONTRAST, V8 with the log's other kinds shown first, got 8 of 18 lines and was dropped.)

    python3 bench/issue12/kinds_checks.py [--pairs-only]   # ~3 minutes on 2 cores

Prints, for each check, how many lines it answered right, and which it got wrong. Seen (embedded model, this
step): V8 12 of 18 lines, the counted kinds exactly in 3 of 6 logs; DESCRIBE 14 of 18, 3 of 6; pairwise, the kind
winning every comparison 4 of 6, the kind winning the most 5 of 6 (a tie in the sixth, which V8 gets right).
"""
from __future__ import annotations

from recursivelm.models.embedded.backend import EmbeddedModel

CASES = [  # the counted thing, [(line, counted?)] : kinds of one log
    ("unsuccessful login attempts", [
        ("2024-03-01T20:23:10 host-4 CRON[35621]: pam_unix(cron:session): session opened for user alice", False),
        ("2024-03-01T15:27:11 host-4 sshd[89513]: Accepted publickey for alice from 10.0.1.114 port 27690 ssh2", False),
        ("2024-03-01T13:28:38 host-8 sshd[32522]: Failed password for alice from 10.0.4.1 port 60163 ssh2", True)]),
    ("declined payments", [
        ("2025-02-11 09:14:02 payment id=88121 card=****4421 amount=42.10 status=APPROVED", False),
        ("2025-02-11 09:14:07 payment id=88122 card=****9001 amount=310.00 status=DECLINED reason=insufficient_funds", True),
        ("2025-02-11 09:15:40 refund id=88011 amount=12.00 status=COMPLETED", False)]),
    ("requests for missing pages", [
        ('10.0.0.5 - - [12/Mar/2025:10:01:17 +0000] "GET /index.html HTTP/1.1" 200 5120', False),
        ('10.0.0.5 - - [12/Mar/2025:10:01:19 +0000] "GET /old/about.html HTTP/1.1" 404 312', True),
        ('10.0.0.7 - - [12/Mar/2025:10:02:03 +0000] "GET /static/app.js HTTP/1.1" 304 0', False)]),
    ("backups that did not complete", [
        ("Mar 03 02:00:01 nas backupd[411]: backup job nightly-home finished OK (12.4 GB in 31 min)", False),
        ("Mar 04 02:00:01 nas backupd[412]: backup job nightly-home aborted: destination disk full", True),
        ("Mar 04 02:30:00 nas backupd[412]: retention cleanup removed 3 old snapshots", False)]),
    ("builds that passed", [
        ("[ci] build #5521 on branch main: SUCCESS in 6m12s", True),
        ("[ci] build #5522 on branch main: FAILURE at step test (3 tests failed)", False),
        ("[ci] build #5523 on branch main: CANCELLED by user", False)]),
    ("emails that bounced", [
        ("postfix/smtp[2231]: 4F1A2: to=<kim@example.org>, relay=mx.example.org, status=sent (250 OK)", False),
        ("postfix/smtp[2232]: 4F1A3: to=<lee@nowhere.test>, relay=none, status=bounced (host not found)", True),
        ("postfix/smtp[2233]: 4F1A4: to=<ann@example.org>, relay=mx.example.org, status=deferred (try again later)", False)]),
]
V8 = "Line: {line}\n\nIs this line about {thing}? Reply yes or no."
DESCRIBE = "Line: {line}\n\nWhat does this line record, and did it succeed? Answer in a few words."
JUDGE = "A log line records: {description}\n\nIs that one of the {thing}? Reply yes or no."

model = EmbeddedModel()


def ask(prompt: str, tokens: int = 4) -> str:
    return model.complete_sync([{"role": "user", "content": prompt}], max_tokens=tokens).text


def yes(reply: str) -> bool:
    return reply.strip().lower().startswith("yes")


def v8(line: str, thing: str, siblings: list[str]) -> bool:
    return yes(ask(V8.format(line=line, thing=thing)))


def describe(line: str, thing: str, siblings: list[str]) -> bool:
    description = ask(DESCRIBE.format(line=line), 24).strip().splitlines()[0]
    return yes(ask(JUDGE.format(description=description, thing=thing)))


PAIR = "Line 1: {a}\n\nLine 2: {b}\n\nWhich line is about {thing}? Reply 1 or 2."


def pairwise_wins(lines: list[str], thing: str) -> dict[int, int]:
    """How many comparisons each kind won, over each two kinds in both orders."""
    wins = {i: 0 for i in range(len(lines))}
    for i in range(len(lines)):
        for j in range(len(lines)):
            if i != j:
                reply = ask(PAIR.format(a=lines[i], b=lines[j], thing=thing))
                wins[i if reply.strip().startswith("1") else j] += 1
    return wins


def every_win(wins: dict[int, int]) -> set[int]:
    """The kind that won every comparison, both orders (none where no kind did)."""
    return {i for i, n in wins.items() if n == 2 * (len(wins) - 1)}


def most_wins(wins: dict[int, int]) -> set[int]:
    """The kind that won more comparisons than any other (none on a tie): a reader's bias to the first line
    gives each kind as many first places, so it cancels out."""
    best = max(wins.values())
    top = {i for i, n in wins.items() if n == best}
    return top if len(top) == 1 else set()


if __name__ == "__main__":
    import sys

    if "--pairs-only" not in sys.argv:
        for name, check in (("V8", v8), ("DESCRIBE", describe)):
            wrong, logs_right = [], 0
            for thing, lines in CASES:
                siblings = [line for line, _ in lines]
                said = [check(line, thing, siblings) for line, _ in lines]
                wrong += [f"{thing}: {line[:70]}" for (line, counted), yes_ in zip(lines, said) if yes_ != counted]
                logs_right += said == [counted for _, counted in lines]
            total = sum(len(lines) for _, lines in CASES)
            print(f"{name}: {total - len(wrong)} of {total} lines; the counted kinds exactly in {logs_right} of "
                  f"{len(CASES)} logs", *(f"  wrong: {w}" for w in wrong), sep="\n", flush=True)
    right = {"every": 0, "most": 0}
    for thing, lines in CASES:
        wins = pairwise_wins([line for line, _ in lines], thing)
        counted = {i for i, (_, c) in enumerate(lines) if c}
        right["every"] += every_win(wins) == counted
        right["most"] += most_wins(wins) == counted
        print(f"  PAIRWISE {thing}: wins {wins}; every: {sorted(every_win(wins))}, most: {sorted(most_wins(wins))}",
              flush=True)
    print(f"PAIRWISE: the counted kind exactly in {right['every']} of {len(CASES)} logs by every win, "
          f"{right['most']} by most wins")
