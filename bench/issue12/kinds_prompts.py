"""How well does the 1.5B sub-model say which kind of record a how-many question counts (wordings.py)?

Eight example lines of three logs (fresh_probe.py's sshd and application logs, and its tickets), each known to
be or not be what its question counts, asked in four ways: each line with the whole question (V1, the first
CHECK_PROMPT); all kinds as one list, one picked (V6, in both orders of the list); each line with the counted
thing in the question's words (V8, CHECK_PROMPT now). Prints how many were answered right. ~1 minute on 2 cores.

    python3 bench/issue12/kinds_prompts.py

Seen (embedded model): V1 6 of 8, V6 3 of 6, V8 7 of 8.
"""
import re

from recursivelm.models.embedded.backend import EmbeddedModel

CASES = [  # question, the counted thing, (line, counted?)
    ("How many unsuccessful login attempts were there for the user alice?", "unsuccessful login attempts", [
        ("2024-03-01T20:23:10 host-4 CRON[35621]: pam_unix(cron:session): session opened for user alice", False),
        ("2024-03-01T15:27:11 host-4 sshd[89513]: Accepted publickey for alice from 10.0.1.114 port 27690 ssh2", False),
        ("2024-03-01T13:28:38 host-8 sshd[32522]: Failed password for alice from 10.0.4.1 port 60163 ssh2", True)]),
    ("How many of bob's uploads failed?", "uploads failed", [
        ("[000017] ERROR user bob upload of file12.pdf failed: quota exceeded", True),
        ("[000018] INFO user bob uploaded file99.pdf (2331 KB)", False),
        ("[000019] INFO user bob logged out after 33 minutes", False)]),
    ("How many tickets did the Lisbon desk escalate?", "tickets", [
        ("Ticket #7450 was escalated by the Lisbon desk this week.", True),
        ("Ticket #13069 was closed by the Lisbon desk this week.", False)]),
]
ALONE = {
    "V1": "Line: {line}\n\nQuestion: {q}\nIs this line one of the things the question counts? Reply yes or no.",
    "V8": "Line: {line}\n\nIs this line about {thing}? Reply yes or no.",
}
LISTED = ("Lines of a text, by their wording:\n{listing}\n\nQuestion: {q}\nWhich one of these kinds of lines is what "
          "the question counts? Reply with its number only.")

model = EmbeddedModel()


def ask(prompt: str, tokens: int = 4) -> str:
    return model.complete_sync([{"role": "user", "content": prompt}], max_tokens=tokens).text


for name, template in ALONE.items():
    right = sum(ask(template.format(line=line, q=q, thing=thing)).strip().lower().startswith("yes") == counted
                for q, thing, lines in CASES for line, counted in lines)
    print(f"{name}: {right} of 8")
right = 0
for q, _, lines in CASES:
    for order in (lines, lines[::-1]):
        listing = "\n".join(f"{k}) lines like: {line}" for k, (line, _) in enumerate(order, 1))
        numbers = re.findall(r"\d+", ask(LISTED.format(listing=listing, q=q), 6))
        pick = int(numbers[0]) if numbers else 0
        right += 1 <= pick <= len(order) and order[pick - 1][1]
print(f"V6: {right} of 6")
