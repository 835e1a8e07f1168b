"""Questions no run of the suite has asked, over texts it never uses, asked as a new user would (issue 12).

Real text: the Python reference's topics as the standard library ships them (pydoc_data, ~465K characters),
with facts planted in it (a needle asked in other words, a count, a two-hop fact); and generated records of
kinds the suite lacks (orders as CSV, an sshd log). Set B, written later: a TSV, a count of sentences, a
needle in a directory of notes, an application log, and a CSV question with a condition. Set C, written
before count_table read any condition: two table questions with a numeric one. Gold comes from the planting
or from code. Each question runs through `RLM.run` with the defaults and a 180 s deadline, as the suite's
queries. Resumable: questions already in --out are skipped.

    python bench/issue12/fresh_probe.py --out bench/issue12/fresh-probe/rows.jsonl
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import re
import statistics
from collections import Counter
from pathlib import Path

import pydoc_data.topics

from probe_runs import append, asked, done_questions, tally  # beside this script


def plant(text: str, sentences: list[str], rng: random.Random) -> str:
    """`text` with each sentence put in as its own paragraph at a paragraph break drawn by `rng`."""
    paragraphs = text.split("\n\n")
    for sentence in sentences:
        paragraphs.insert(rng.randrange(1, len(paragraphs)), sentence)
    return "\n\n".join(paragraphs)


def reference_text() -> str:
    return "\n\n".join(pydoc_data.topics.topics.values())


def cases(seed: int) -> list[dict]:
    rng = random.Random(seed)
    base = reference_text()
    out = []
    needle = plant(base, ["Reminder for the operations team: the staging cluster's maintenance password was changed "
                          "to VIOLET-2291 on 3 March."], rng)
    out.append({"kind": "needle-other-words", "context": needle, "gold": "VIOLET-2291",
                "question": "What is the new maintenance passphrase for the staging cluster?"})
    shelf = plant(base, ["The backup tapes from the old mail server are stored in the Greyhaven vault, shelf 42."], rng)
    out.append({"kind": "needle", "context": shelf, "gold": "42",
                "question": "On which shelf of the vault are the backup tapes of the old mail server kept?"})
    tickets, n = [], 0
    for desk, verb, count in (("Lisbon", "escalated", 37), ("Lisbon", "closed", 23), ("Porto", "escalated", 19)):
        for _ in range(count):
            n += 1
            tickets.append(f"Ticket #{4100 + rng.randrange(9000)} was {verb} by the {desk} desk this week.")
    out.append({"kind": "count-planted", "context": plant(base, tickets, rng), "gold": 37,
                "question": "How many tickets did the Lisbon desk escalate?"})
    hops = plant(base, ["Project Kestrel is led by Ingrid Solberg.", "Project Osprey is led by Tomas Berg.",
                        "Ingrid Solberg has her office in building 14 of the north campus.",
                        "Tomas Berg has his office in building 9 of the south campus."], rng)
    out.append({"kind": "two-hop", "context": hops, "gold": "14",
                "question": "In which building does the leader of Project Kestrel have an office?"})
    customers = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Byrne", "Ferreira"]
    cities = {"Lagos": 1.0, "Oslo": 0.8, "Lyon": 0.9, "Osaka": 1.3, "Recife": 0.7, "Brno": 0.6}
    rows, totals, orders_of = ["date,order_id,customer,city,amount"], Counter(), Counter()
    for i in range(6000):
        customer, city = rng.choice(customers), rng.choice(list(cities))
        amount = round(rng.uniform(5, 400) * cities[city], 2)
        rows.append(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},ORD-{10000 + i},{customer},{city},{amount}")
        totals[city] += amount
        orders_of[customer] += 1
    table = "\n".join(rows)
    out.append({"kind": "csv-aggregate", "context": table, "gold": totals.most_common(1)[0][0],
                "question": "Which city has the largest total order amount?"})
    out.append({"kind": "csv-count", "context": table, "gold": orders_of["Okafor"],
                "question": "How many orders did the customer Okafor place?"})
    users = ["alice", "alicia", "bob", "root", "deploy", "carol"]
    log, failed = [], 0
    for i in range(20000):
        user, ip = rng.choice(users), f"10.0.{rng.randrange(8)}.{rng.randrange(250)}"
        stamp = f"2024-03-{1 + i * 28 // 20000:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
        kind = rng.random()
        if kind < 0.15:
            line = f"{stamp} host-{rng.randrange(9)} sshd[{rng.randrange(99999)}]: Failed password for {user} from {ip} port {rng.randrange(1024, 65535)} ssh2"
            failed += user == "alice"
        elif kind < 0.55:
            line = f"{stamp} host-{rng.randrange(9)} sshd[{rng.randrange(99999)}]: Accepted publickey for {user} from {ip} port {rng.randrange(1024, 65535)} ssh2"
        else:
            line = f"{stamp} host-{rng.randrange(9)} CRON[{rng.randrange(99999)}]: pam_unix(cron:session): session opened for user {user}"
        log.append(line)
    out.append({"kind": "log-count-other-words", "context": "\n".join(log), "gold": failed,
                "question": "How many unsuccessful login attempts were there for the user alice?"})
    return out + later_cases(seed, base)


def later_cases(seed: int, base: str) -> list[dict]:
    """Set B: written after set A's first run (and after the engine changes it led to), before any run of these."""
    rng = random.Random(1000 + seed)
    out = []
    departments = {"Logistics": 0.9, "Finance": 1.2, "Research": 1.4, "Support": 0.7, "Sales": 1.0}
    rows, pay = ["name\tdepartment\tsalary\tstart_year"], {d: [] for d in departments}
    weights = [3, 2, 1, 5, 4]
    for i in range(1500):
        dept = rng.choices(list(departments), weights)[0]
        salary = round(rng.uniform(38_000, 90_000) * departments[dept])
        rows.append(f"{rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.randrange(1000):03d} Person\t{dept}\t{salary}\t{rng.randint(2005, 2024)}")
        pay[dept].append(salary)
    staff = "\n".join(rows)
    out.append({"kind": "tsv-average", "set": "B", "context": staff, "gold": round(sum(pay["Logistics"]) / len(pay["Logistics"]), 2),
                "question": "What is the average salary in the Logistics department?"})
    out.append({"kind": "tsv-most", "set": "B", "context": staff, "gold": max(pay, key=lambda d: len(pay[d])),
                "question": "Which department employs the most people?"})
    sentences = [f"{rng.choice(['Fog', 'A storm', 'The supply boat', 'A new lens'])} reached the Brannholm lighthouse "
                 f"{rng.choice(['early', 'late', 'again', 'at dawn'])}." for _ in range(23)]
    out.append({"kind": "count-sentences", "set": "B", "context": plant(base, sentences, rng), "gold": 23,
                "question": "How many sentences mention the Brannholm lighthouse?"})
    parts = base.split("\n\n")
    files = {f"notes/day{k:02d}.txt": "\n\n".join(parts[k::40]) for k in range(40)}
    files["notes/day17.txt"] += "\n\nFor Dr. Amara Osei: the replacement badge is waiting at the front desk of building C."
    out.append({"kind": "directory-needle", "set": "B", "context": files, "gold": "front desk",
                "question": "Where can Dr. Osei pick up her new badge?"})
    log, failed = [], 0
    for i in range(8000):
        user = rng.choice(["bob", "dana", "erin", "femi"])
        r = rng.random()
        if r < 0.1:
            log.append(f"[{i:06d}] ERROR user {user} upload of file{rng.randrange(999)}.pdf failed: quota exceeded")
            failed += user == "bob"
        elif r < 0.5:
            log.append(f"[{i:06d}] INFO user {user} uploaded file{rng.randrange(999)}.pdf ({rng.randrange(9000)} KB)")
        else:
            log.append(f"[{i:06d}] INFO user {user} logged out after {rng.randrange(120)} minutes")
    out.append({"kind": "log-kinds", "set": "B", "context": "\n".join(log), "gold": failed,
                "question": "How many of bob's uploads failed?"})
    orders = ["date,order_id,customer,city,amount"]
    big = 0
    for i in range(3000):
        customer, amount = rng.choice(["Tanaka", "Silva", "Novak"]), round(rng.uniform(5, 400), 2)
        orders.append(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},ORD-{20000 + i},{customer},{rng.choice(['Lagos', 'Oslo'])},{amount}")
        big += customer == "Tanaka" and amount > 350
    out.append({"kind": "csv-condition", "set": "B", "context": "\n".join(orders), "gold": big,
                "question": "How many orders above 350 were placed by Tanaka?"})
    return out + conditioned_cases(seed) + set_d(seed) + set_e(seed) + set_f(seed) + set_h(seed) + set_i(seed) + set_j(seed) + set_k(seed) + set_l(seed) + set_m(seed) + set_n(seed) + set_o(seed) + set_p(seed) + set_q(seed) + set_r(seed) + set_s(seed) + set_t(seed) + set_u(seed) + set_v(seed) + set_w(seed) + set_x(seed) + set_y(seed) + set_z(seed) + set_aa(seed) + set_ab(seed)


def conditioned_cases(seed: int) -> list[dict]:
    """Set C: table questions with a numeric condition, written before count_table read any condition."""
    rng = random.Random(2000 + seed)
    out = []
    rows, pay = ["employee_id\tteam\tsalary"], []
    for i in range(2000):
        team = rng.choice(["Research", "Support", "Sales", "Legal"])
        salary = rng.randrange(40_000, 160_000)
        rows.append(f"E{10000 + i}\t{team}\t{salary}")
        pay.append((team, salary))
    out.append({"kind": "tsv-condition-count", "set": "C", "context": "\n".join(rows),
                "gold": sum(team == "Research" and salary > 100_000 for team, salary in pay),
                "question": "How many people in Research earn more than 100000?"})
    orders, small = ["date,order_id,customer,city,amount"], 0.0
    for i in range(2500):
        customer, amount = rng.choice(["Silva", "Moreau", "Byrne"]), round(rng.uniform(5, 300), 2)
        orders.append(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},ORD-{30000 + i},{customer},Lyon,{amount}")
        small += amount if customer == "Silva" and amount < 50 else 0
    out.append({"kind": "csv-condition-total", "set": "C", "context": "\n".join(orders), "gold": round(small, 2),
                "question": "What is the total amount of Silva's orders under 50?"})
    return out


def set_d(seed: int) -> list[dict]:
    """Set D, written at the twenty-third step before any change of it: other shapes of input (JSON lines,
    an access log, a list of memos, a JSON config, prose measurements) and other kinds of question (a
    date, a literal count, a list, a lookup, a distinct count, a maximum, a latest, a month condition)."""
    rng = random.Random(3000 + seed)
    base = reference_text()
    out = []
    events, errors = [], 0
    for i in range(4000):
        service, level = rng.choice(["billing", "search", "auth", "mailer"]), rng.choice(["INFO"] * 6 + ["WARN"] * 2 + ["ERROR"])
        events.append(json.dumps({"ts": f"2025-05-{rng.randint(1, 30):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
                                  "service": service, "level": level, "msg": rng.choice(["request served", "retrying upstream", "cache miss", "queue drained"])}))
        errors += service == "billing" and level == "ERROR"
    out.append({"kind": "jsonl-count", "set": "D", "context": "\n".join(events), "gold": errors,
                "question": "How many ERROR events did the billing service log?"})
    hits, access = Counter(), []
    addresses = [f"10.0.{rng.randint(0, 9)}.{rng.randint(1, 254)}" for _ in range(40)]
    weights = [rng.random() for _ in addresses]
    for i in range(6000):
        ip = rng.choices(addresses, weights)[0]
        hits[ip] += 1
        access.append(f'{ip} - - [12/Mar/2025:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000] '
                      f'"GET /{rng.choice(["index.html", "api/items", "login", "static/app.js"])} HTTP/1.1" {rng.choice([200, 200, 304, 404])} {rng.randint(200, 9000)}')
    out.append({"kind": "log-most-frequent", "set": "D", "context": "\n".join(access), "gold": hits.most_common(1)[0][0],
                "question": "Which IP address made the most requests?"})
    bridge = plant(base, ["After two years of repairs, the Karsk footbridge reopened to pedestrians on 14 September 1998."], rng)
    out.append({"kind": "needle-date", "set": "D", "context": bridge, "gold": ["14", "September", "1998"],
                "question": "When could people walk across the footbridge in Karsk again?"})
    count = rng.randint(9, 16)
    forms = ["The zarnith was seen again near the harbour.", "Nobody could explain the zarnith.",
             "Reports of a zarnith reached the council.", "A second zarnith was rumoured in the hills."]
    out.append({"kind": "literal-count", "set": "D", "context": plant(base, [rng.choice(forms) for _ in range(count)], rng),
                "gold": count, "question": "How many times is the word zarnith mentioned in the text?"})
    ships = ["Aurora Vale", "Northern Tern", "Halcyon Drift", "Meridian Star"]
    out.append({"kind": "list", "set": "D", "gold": ships, "question": "Which research vessels are mentioned in the text?",
                "context": plant(base, [f"The research vessel {ship} {rng.choice(['docked at Tromso', 'left port at dawn', 'surveyed the trench'])} last spring."
                                        for ship in ships], rng)})
    authors = ["Ines Duarte", "Tomas Berg", "Yuki Sato", "Omar Haddad", "Lena Fischer"]
    memos = [f"Memo {i}\nFrom: {rng.choice(authors)}\nSubject: {rng.choice(['Budget review', 'Office move', 'Hiring plan', 'Vendor audit'])}\n"
             f"{rng.choice(['Please review the attached figures before Friday.', 'The meeting is moved to room 4.', 'We expect the numbers next week.'])}"
             for i in range(300)]
    at = rng.randrange(300)
    memos[at] = f"Memo {at}\nFrom: Rafael Ortiz\nSubject: Contracts\nThe Halvorsen contract was signed yesterday; invoices start in June."
    out.append({"kind": "memo-author", "set": "D", "context": memos, "gold": "Rafael Ortiz",
                "question": "Who wrote the memo about the Halvorsen contract?"})
    config = {name: {"database": {"host": f"{name}-db.internal", "port": rng.randint(5400, 5499), "pool": rng.randint(5, 50)},
                     "cache": {"host": f"{name}-cache.internal", "port": rng.randint(6300, 6399)}, "replicas": rng.randint(1, 9)}
              for name in ["checkout", "reporting", "inventory", "accounts", "search", "notifications"] * 1}
    config.update({f"worker-{i}": {"queue": f"q{i}", "concurrency": rng.randint(1, 64)} for i in range(400)})
    out.append({"kind": "json-lookup", "set": "D", "context": json.dumps(config, indent=2), "gold": config["reporting"]["database"]["port"],
                "question": "Which port does the reporting service's database listen on?"})
    levels = []
    for _ in range(60):
        station, level = rng.choice(["Brekke", "Lund", "Ostra"]), rng.randint(120, 480)
        levels.append((station, level))
    out.append({"kind": "prose-max", "set": "D", "gold": max(level for station, level in levels if station == "Brekke"),
                "question": "What was the highest water level recorded at the Brekke station?",
                "context": plant(base, [f"On day {d + 1} the inspector measured a water level of {level} cm at the {station} station."
                                        for d, (station, level) in enumerate(levels)], rng)})
    logins, last = [], ""
    for i in range(3000):
        stamp = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        user = rng.choice(["mkovacs", "jdoe", "asmith", "pnguyen", "rlopez"])
        logins.append(f"{stamp} login ok user={user} from=192.168.1.{rng.randint(2, 250)}")
        last = max(last, stamp) if user == "mkovacs" else last
    logins.sort()
    out.append({"kind": "latest", "set": "D", "context": "\n".join(logins), "gold": last,
                "question": "When did mkovacs last log in?"})
    rows, march, customers = ["date,order_id,customer,amount"], 0, set()
    for i in range(2500):
        month, customer = rng.randint(1, 12), rng.choice(["Novak", "Adeyemi", "Larsen", "Quispe", "Moreau", "Kowalczyk"])
        rows.append(f"2024-{month:02d}-{rng.randint(1, 28):02d},ORD-{40000 + i},{customer},{round(rng.uniform(5, 500), 2)}")
        march += customer == "Novak" and month == 3
        customers.add(customer)
    out.append({"kind": "csv-month", "set": "D", "context": "\n".join(rows), "gold": march,
                "question": "How many orders did Novak place in March?"})
    out.append({"kind": "csv-distinct", "set": "D", "context": "\n".join(rows), "gold": len(customers),
                "question": "How many different customers placed orders?"})
    staff = ["employee_id,name,email,department"]
    for i in range(1500):
        first, last_name = rng.choice(["Ana", "Ben", "Chidi", "Dara", "Eli", "Fay"]), rng.choice(["Moss", "Reyes", "Okoro", "Lind", "Patel"])
        staff.append(f"E{10000 + i},{first} {last_name},{first.lower()}.{last_name.lower()}{i}@example.org,{rng.choice(['Ops', 'Sales', 'Legal'])}")
    pick = rng.randrange(1, 1501)
    out.append({"kind": "csv-lookup", "set": "D", "context": "\n".join(staff), "gold": staff[pick].split(",")[2],
                "question": f"What is the email address of employee {staff[pick].split(',')[0]}?"})
    return out


def set_e(seed: int) -> list[dict]:
    """Set E, written at the twenty-third step after set D's changes and before any run of it: a table's
    extreme for one value, a comparison in JSON lines, a log's distinct values on one day, a list over a log,
    documents counted by author, two planted facts compared, a line of a dialogue."""
    rng = random.Random(4000 + seed)
    base = reference_text()
    out = []
    rows, largest = ["date,order_id,customer,amount"], 0.0
    for i in range(3000):
        customer, amount = rng.choice(["Tanaka", "Okafor", "Lindqvist", "Mbeki"]), round(rng.uniform(5, 900), 2)
        rows.append(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},ORD-{50000 + i},{customer},{amount}")
        largest = max(largest, amount) if customer == "Lindqvist" else largest
    out.append({"kind": "csv-max-of-value", "set": "E", "context": "\n".join(rows), "gold": largest,
                "question": "What was the largest single order placed by Lindqvist?"})
    events, slow = [], 0
    for i in range(5000):
        path, ms = rng.choice(["/api/cart", "/api/search", "/api/login"]), rng.randint(20, 2000)
        events.append(json.dumps({"time": f"2025-06-{rng.randint(1, 30):02d}T{rng.randint(0, 23):02d}:00:00Z", "path": path,
                                  "status": rng.choice([200, 200, 200, 500]), "duration_ms": ms}))
        slow += path == "/api/search" and ms > 1500
    out.append({"kind": "jsonl-comparison", "set": "E", "context": "\n".join(events), "gold": slow,
                "question": "How many /api/search requests took longer than 1500 ms?"})
    logins, users_on_day = [], set()
    for i in range(4000):
        day, user = f"2025-03-{rng.randint(1, 9):02d}", f"user{rng.randint(1, 400)}"
        logins.append(f"{day} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} sshd: session opened for {user}")
        if day == "2025-03-04":
            users_on_day.add(user)
    logins.sort()
    out.append({"kind": "log-distinct-on-day", "set": "E", "context": "\n".join(logins), "gold": len(users_on_day),
                "question": "How many different users opened a session on 2025-03-04?"})
    codes, app = set(), []
    for i in range(3000):
        if rng.random() < 0.02:
            code = rng.choice(["E1042", "E2210", "E3307"])
            codes.add(code)
            app.append(f"[{i:06d}] ERROR code={code} while syncing shard {rng.randint(1, 40)}")
        else:
            app.append(f"[{i:06d}] INFO synced shard {rng.randint(1, 40)} in {rng.randint(5, 900)} ms")
    out.append({"kind": "log-list-codes", "set": "E", "context": "\n".join(app), "gold": sorted(codes),
                "question": "Which error codes appear in this log?"})
    authors = ["Ines Duarte", "Tomas Berg", "Yuki Sato", "Omar Haddad"]
    memos, by = [], Counter()
    for i in range(250):
        author = rng.choice(authors)
        by[author] += 1
        memos.append(f"Memo {i}\nFrom: {author}\nSubject: {rng.choice(['Budget review', 'Office move', 'Hiring plan'])}\n"
                     f"{rng.choice(['Please review the figures.', 'The meeting moved to room 4.', 'Numbers next week.'])}")
    out.append({"kind": "memo-count", "set": "E", "context": memos, "gold": by["Yuki Sato"],
                "question": "How many memos did Yuki Sato write?"})
    bridges = plant(base, ["The Orvik suspension bridge spans 412 metres across the fjord.",
                           "Completed in 1961, the Tarsund bridge has a main span of 388 metres."], rng)
    out.append({"kind": "compare-two", "set": "E", "context": bridges, "gold": "Orvik",
                "question": "Which bridge is longer, the Orvik bridge or the Tarsund bridge?"})
    lines = []
    for i in range(2500):
        who = rng.choice(["Maria", "Deshawn", "Priya", "Lukas"])
        lines.append(f"[{9 + i // 300:02d}:{(i // 5) % 60:02d}] {who}: {rng.choice(['Sounds good.', 'Let me check.', 'Can we move on?', 'Agreed.', 'I have a question about the timeline.'])}")
    lines.insert(rng.randrange(len(lines)), "[11:42] Priya: The vendor's quote for the new racks came in at 18,400 euros.")
    out.append({"kind": "dialogue-needle", "set": "E", "context": "\n".join(lines), "gold": "18,400",
                "question": "How much did Priya say the vendor quoted for the new racks?"})
    return out


def set_f(seed: int) -> list[dict]:
    """Set F, written at the twenty-fourth step before any run of it: other shapes again (a markdown table in a
    report, semicolon-separated values, YAML, e-mails as a list) and other questions (a total, an average, the
    group with the largest total, the top three, a period between two dates or hours, a percentage, which name
    has the highest measurement in prose, whether something is mentioned at all)."""
    rng = random.Random(5000 + seed)
    base = reference_text()
    out = []
    towns = sorted({f"{rng.choice(['Var', 'Os', 'Brek', 'Tind', 'Skal', 'Hov', 'Lun', 'Mor'])}"
                    f"{rng.choice(['holm', 'vik', 'stad', 'dal', 'nes', 'berg', 'heim', 'sund'])}" for _ in range(200)})
    population = {town: rng.randint(800, 90000) for town in towns}
    table = ["| Town | Population | Area (km2) | County |", "|---|---|---|---|"] + [
        f"| {town} | {population[town]} | {rng.randint(20, 900)} | {rng.choice(['Nordre', 'Sondre', 'Vestre'])} |" for town in towns]
    report = base[:60000] + "\n\n## Appendix: towns of the region\n\n" + "\n".join(table) + "\n\n" + base[60000:120000]
    town = rng.choice(towns)
    out.append({"kind": "markdown-table-lookup", "set": "F", "context": report, "gold": str(population[town]),
                "question": f"What is the population of {town}?"})
    payments, paid = ["invoice;client;paid_on;amount_eur"], 0.0
    for i in range(3000):
        client, amount = rng.choice(["Ferreira", "Halloran", "Ishikawa", "Nwosu", "Petrov"]), round(rng.uniform(10, 2000), 2)
        payments.append(f"INV-{70000 + i};{client};2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d};{amount}")
        paid += amount if client == "Ferreira" else 0
    out.append({"kind": "semicolon-total", "set": "F", "context": "\n".join(payments), "gold": round(paid, 2),
                "question": "How much did Ferreira pay in total?"})
    readings, oslo = ["timestamp,city,temperature_c,humidity"], []
    for i in range(4000):
        city, temp = rng.choice(["Oslo", "Bergen", "Trondheim", "Stavanger"]), round(rng.uniform(-12, 28), 1)
        readings.append(f"2025-01-{rng.randint(1, 31):02d}T{rng.randint(0, 23):02d}:00,{city},{temp},{rng.randint(30, 99)}")
        oslo += [temp] if city == "Oslo" else []
    out.append({"kind": "csv-average", "set": "F", "context": "\n".join(readings), "gold": round(sum(oslo) / len(oslo), 2),
                "question": "What was the average temperature recorded in Oslo?"})
    sales, spent, units = ["date,customer,product,units,total"], Counter(), Counter()
    for i in range(3500):
        customer, product, n = rng.choice(["Abara", "Brandt", "Castillo", "Dvorak", "Eriksen", "Fontaine"]), \
            rng.choice(["lamp", "desk", "chair", "shelf", "rug", "mirror", "stool"]), rng.randint(1, 9)
        total = round(n * rng.uniform(15, 120), 2)
        sales.append(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{customer},{product},{n},{total}")
        spent[customer] += total
        units[product] += n
    out.append({"kind": "csv-group-most", "set": "F", "context": "\n".join(sales), "gold": spent.most_common(1)[0][0],
                "question": "Which customer spent the most money in total?"})
    out.append({"kind": "csv-top-three", "set": "F", "context": "\n".join(sales), "gold": [p for p, _ in units.most_common(3)],
                "question": "Which three products sold the most units?"})
    orders, between = ["order_id,placed_on,customer,amount"], 0
    for i in range(2800):
        day = f"2024-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"
        orders.append(f"ORD-{81000 + i},{day},{rng.choice(['Kaur', 'Lemaire', 'Mwangi', 'Novak'])},{round(rng.uniform(5, 400), 2)}")
        between += "2024-03-01" <= day <= "2024-03-15"
    out.append({"kind": "csv-date-between", "set": "F", "context": "\n".join(orders), "gold": between,
                "question": "How many orders were placed between 2024-03-01 and 2024-03-15?"})
    access, not_found = [], 0
    for i in range(6000):
        hour, status = rng.randint(0, 23), rng.choice([200, 200, 200, 301, 404])
        stamp = f"{hour:02d}:{rng.randint(0, 59):02d}:{rng.randint(1, 59):02d}"
        access.append(f'10.1.{rng.randint(0, 9)}.{rng.randint(1, 254)} - - [21/Apr/2025:{stamp} +0000] '
                      f'"GET /{rng.choice(["home", "docs", "pricing", "blog/post-7"])} HTTP/1.1" {status} {rng.randint(300, 9000)}')
        not_found += status == 404 and 10 <= hour < 12
    out.append({"kind": "log-between-hours", "set": "F", "context": "\n".join(access), "gold": not_found,
                "question": "How many requests returned a 404 status between 10:00 and 12:00?"})
    failures = 4 * rng.randint(30, 60)
    requests = [f"2025-02-11 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} POST /api/upload {500 if i < failures else 201} "
                f"{rng.randint(20, 900)}ms" for i in range(4000)]
    rng.shuffle(requests)
    out.append({"kind": "log-percentage", "set": "F", "context": "\n".join(requests), "gold": failures / 40,
                "question": "What percentage of the requests failed with status 500?"})
    deployments = []
    for i in range(600):
        name = "payments" if i == 137 else f"svc-{i:03d}"
        deployments.append(f"{name}:\n  image: registry.local/{name}:{rng.randint(1, 40)}.{rng.randint(0, 9)}\n"
                           f"  replicas: {rng.randint(1, 12)}\n  resources:\n    cpu: {rng.choice(['250m', '500m', '1'])}\n"
                           f"    memory: {rng.choice(['256Mi', '512Mi', '1Gi'])}\n  port: {rng.randint(8000, 8999)}")
    replicas = int(re.search(r"replicas: (\d+)", deployments[137]).group(1))
    out.append({"kind": "yaml-lookup", "set": "F", "context": "\n".join(deployments), "gold": replicas,
                "question": "How many replicas does the payments deployment run?"})
    emails = [f"From: {rng.choice(['kim@corp.example', 'ravi@corp.example', 'ole@corp.example'])}\nSubject: "
              f"{rng.choice(['Weekly sync', 'Expense report', 'Parking', 'Team lunch'])}\n\n"
              f"{rng.choice(['Notes attached.', 'See you Thursday.', 'Approved, thanks.', 'Can someone check the printer?'])}"
              for _ in range(1200)]
    emails[rng.randrange(1200)] = ("From: nadia@corp.example\nSubject: Heads-up\n\nWe are pushing the Falcon release back; "
                                  "the new go-live is 18 November.")
    out.append({"kind": "email-needle-other-words", "set": "F", "context": emails, "gold": "18 November",
                "question": "To what date was the Falcon launch postponed?"})
    peaks = {"Brekke": 0, "Lund": 0, "Ostra": 0}
    sentences = []
    for d in range(60):
        station, level = rng.choice(list(peaks)), rng.randint(120, 480)
        peaks[station] = max(peaks[station], level)
        sentences.append(f"On day {d + 1} the inspector measured a water level of {level} cm at the {station} station.")
    out.append({"kind": "prose-which-most", "set": "F", "context": plant(base, sentences, rng), "gold": max(peaks, key=peaks.get),
                "question": "Which station recorded the highest water level?"})
    ships = plant(base, [f"The research vessel {ship} {rng.choice(['docked at Tromso', 'left port at dawn'])} last spring."
                         for ship in ["Aurora Vale", "Northern Tern", "Halcyon Drift"]], rng)
    out.append({"kind": "mentioned-absent", "set": "F", "context": ships, "gold": False,
                "question": "Does the text mention a research vessel called the Corvina?"})
    return out


def set_h(seed: int) -> list[dict]:
    """Set H, written at the twenty-fourth step after the log counts it checks were built (their phrasings partly
    those tried model-free over sets D and E's logs, which led to them), over logs no run had used: an end-to-end
    check of those counts, not questions unseen."""
    rng = random.Random(6000 + seed)
    out = []
    users = ["okeefe", "dlamini", "varga", "tanabe"]
    auth, by_user, march, failed_varga = [], Counter(), Counter(), 0
    for i in range(3500):
        month, user = rng.randint(1, 6), rng.choice(users)
        ok = rng.random() < 0.8
        auth.append(f"2025-{month:02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} "
                    f"auth[{rng.randint(100, 999)}]: {'session started' if ok else 'password rejected'} for {user}")
        by_user[user, ok] += 1
        march[user] += ok and month == 3
        failed_varga += user == "varga" and not ok
    auth.sort()
    out.append({"kind": "log-name-count", "set": "H", "context": "\n".join(auth), "gold": by_user["tanabe", True],
                "question": "How many sessions did tanabe start?"})
    out.append({"kind": "log-name-count-month", "set": "H", "context": "\n".join(auth), "gold": march["dlamini"],
                "question": "How many sessions did dlamini start in March?"})
    out.append({"kind": "log-failed-count", "set": "H", "context": "\n".join(auth), "gold": failed_varga,
                "question": "How many times was a password rejected for varga?"})
    hosts = [f"172.16.{rng.randint(0, 3)}.{rng.randint(1, 254)}" for _ in range(30)]
    access, per_host, server_errors = [], Counter(), 0
    for i in range(5000):
        host, status = rng.choice(hosts), rng.choice([200, 200, 200, 302, 404, 503])
        access.append(f'{host} - - [03/Jun/2025:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000] '
                      f'"GET /{rng.choice(["shop", "cart", "api/v2/items"])} HTTP/1.1" {status} {rng.choice([404, 512, 2048, 503, 9000])}')
        per_host[host] += 1
        server_errors += status == 503
    host = rng.choice(hosts)
    out.append({"kind": "log-address-count", "set": "H", "context": "\n".join(access), "gold": per_host[host],
                "question": f"How many requests came from {host}?"})
    out.append({"kind": "log-status-count", "set": "H", "context": "\n".join(access), "gold": server_errors,
                "question": "How many requests got a 503 response?"})
    out.append({"kind": "log-status-share", "set": "H", "context": "\n".join(access), "gold": round(100 * server_errors / 5000, 2),
                "question": "What percentage of requests got a 503 response?"})
    return out


def set_i(seed: int) -> list[dict]:
    """Set I, written at the twenty-fifth step before any run of it: questions of kinds no earlier set asked (a
    count that needs each item read for its meaning, a two-hop over records, a negated condition, the first of
    something in a log, a numbered section, a difference of two counts, a median, counts per group, which of
    two dated events came first, whether any row passes a bound, a list over a directory's front matter, the
    average of a log's durations)."""
    rng = random.Random(7000 + seed)
    base = reference_text()
    out = []
    late = ["The parcel arrived two weeks after the promised date.", "Shipping took forever, almost a month.",
            "Delivery was delayed three times before it finally came.", "It came very late, well past the estimate.",
            "The courier kept postponing, so I waited ages for it."]
    other = ["The colour is lovely and it feels sturdy.", "Stopped working after a week, very disappointed.",
             "Exactly as described, would buy again.", "Instructions were confusing but it works fine.",
             "Too small for my kitchen, returning it.", "Great value for the price.", "The lid cracked on day one."]
    reviews, slow = [], 0
    for i in range(160):
        is_late = rng.random() < 0.2
        slow += is_late
        reviews.append(f"Review {i + 1} ({rng.randint(1, 5)} stars): {rng.choice(late if is_late else other)}")
    out.append({"kind": "semantic-count", "set": "I", "context": "\n".join(reviews), "gold": slow,
                "question": "How many reviews complain about slow delivery?"})
    first = ["Priya", "Jonas", "Amara", "Mateo", "Lena", "Kwame", "Sofia", "Ruben", "Hana", "Idris", "Elif", "Bruno"]
    last = ["Nair", "Keller", "Osei", "Ruiz", "Berg", "Mensah", "Costa", "Dahl", "Sato", "Khan", "Yilmaz", "Rossi"]
    names = rng.sample([f"{a} {b}" for a in first for b in last], 140)
    staff, manager_of, department = ["id,name,manager_id,department"], {}, {}
    for i, name in enumerate(names):
        boss = rng.randrange(i) if i else None
        manager_of[name] = names[boss] if boss is not None else None
        department[name] = rng.choice(["Sales", "Sales", "Engineering", "Finance", "Support"])
        staff.append(f"E{1000 + i},{name},{'' if boss is None else f'E{1000 + boss}'},{department[name]}")
    deep = rng.choice([n for n in names if manager_of[n] and manager_of[manager_of[n]]])
    out.append({"kind": "records-two-hop", "set": "I", "context": "\n".join(staff), "gold": manager_of[manager_of[deep]],
                "question": f"Who is the manager of {deep}'s manager?"})
    out.append({"kind": "negated-count", "set": "I", "context": "\n".join(staff),
                "gold": sum(d != "Sales" for d in department.values()),
                "question": "How many employees are not in the Sales department?"})
    app, first_error = [], None
    for i in range(5000):
        second = 7 * 3600 + i * 12 * 3600 // 5000  # the lines in time order, as a log writes them
        rng.randint(10, 59)  # drawn as when the seconds were drawn: the later cases' contexts stay as first run
        stamp = f"2025-05-06 {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        level = "ERROR" if i > 900 and rng.random() < 0.04 else rng.choice(["INFO", "INFO", "DEBUG", "WARN"])
        first_error = first_error or (stamp if level == "ERROR" else None)
        app.append(f"{stamp} {level} worker-{rng.randint(1, 6)} {rng.choice(['job started', 'job finished', 'cache refreshed', 'retrying request', 'queue drained'])}")
    out.append({"kind": "log-first-of", "set": "I", "context": "\n".join(app), "gold": first_error.split()[1],
                "question": "At what time was the first ERROR logged?"})
    sections, retention = [], {}
    for chapter in range(1, 13):
        sections.append(f"## {chapter}. {rng.choice(['Storage', 'Access', 'Backups', 'Records', 'Devices', 'Networks'])} policy")
        for part in range(1, 6):
            retention[chapter, part] = rng.choice([7, 14, 30, 45, 60, 90, 180, 365])
            sections.append(f"### {chapter}.{part} Rule\nCopies covered by this rule are retained for {retention[chapter, part]} days, "
                            f"after which they are destroyed by the {rng.choice(['records', 'security', 'platform'])} team.")
    chapter, part = rng.randint(2, 12), rng.randint(1, 5)
    out.append({"kind": "numbered-section", "set": "I", "context": base[:40000] + "\n\n" + "\n\n".join(sections) + "\n\n" + base[40000:80000],
                "gold": retention[chapter, part], "question": f"According to section {chapter}.{part}, for how many days are copies retained?"})
    orders, placed, amounts = ["order_id,customer,amount_eur"], Counter(), []
    for i in range(3000):
        customer, amount = rng.choice(["Kaur", "Lemaire", "Mwangi", "Novak", "Okoro"]), round(rng.uniform(5, 900), 2)
        orders.append(f"ORD-{90000 + i},{customer},{amount}")
        placed[customer] += 1
        amounts.append(amount)
    more, fewer = sorted(rng.sample(sorted(placed), 2), key=placed.get, reverse=True)
    out.append({"kind": "csv-difference", "set": "I", "context": "\n".join(orders), "gold": placed[more] - placed[fewer],
                "question": f"How many more orders did {more} place than {fewer}?"})
    amounts.sort()
    out.append({"kind": "csv-median", "set": "I", "context": "\n".join(orders), "gold": round((amounts[1499] + amounts[1500]) / 2, 2),
                "question": "What is the median order amount?"})
    tickets, per_priority = [], Counter()
    for i in range(2500):
        priority = rng.choice(["low", "low", "medium", "high"])
        per_priority[priority] += 1
        tickets.append(json.dumps({"ticket": 5000 + i, "opened_by": rng.choice(["ana", "li", "tom"]), "priority": priority,
                                   "tags": rng.sample(["vpn", "email", "printer", "laptop", "access"], 2)}))
    out.append({"kind": "jsonl-per-group", "set": "I", "context": "\n".join(tickets), "gold": dict(per_priority),
                "question": "How many tickets are there of each priority?"})
    events = plant(base, ["The data-centre migration was completed on 14 May 2023, two days ahead of plan.",
                          "The external security audit took place on 2 February 2023 and found no major issues."], rng)
    out.append({"kind": "prose-which-first", "set": "I", "context": events, "gold": "audit",
                "question": "Which happened first, the data-centre migration or the security audit?"})
    bound = ["invoice,customer,amount_eur"] + [f"INV-{i},{rng.choice(['Abe', 'Bo', 'Cy'])},{round(rng.uniform(10, 3900), 2)}" for i in range(4000)]
    bound.insert(rng.randrange(1, 4000), f"INV-4242,{rng.choice(['Abe', 'Bo', 'Cy'])},{rng.randint(4100, 4900)}.00")
    out.append({"kind": "csv-any-above", "set": "I", "context": "\n".join(bound), "gold": True,
                "question": "Is there any invoice above 4,000 euros?"})
    notes, urgent_by_lee = {}, []
    for k in range(60):
        author, tags = rng.choice(["Lee", "Mira", "Sam"]), rng.sample(["urgent", "draft", "finance", "hr", "ops"], 2)
        title = f"{rng.choice(['Budget', 'Roadmap', 'Hiring', 'Vendor', 'Outage', 'Audit'])} notes {k}"
        urgent_by_lee += [title] if author == "Lee" and "urgent" in tags else []
        notes[f"notes/{k:02d}.md"] = (f"---\ntitle: {title}\nauthor: {author}\ntags: [{', '.join(tags)}]\n---\n\n"
                                      + "\n\n".join(rng.sample(base.split("\n\n"), 3)))
    out.append({"kind": "directory-front-matter", "set": "I", "context": notes, "gold": urgent_by_lee,
                "question": "Which notes written by Lee are tagged urgent?"})
    requests, login_ms = [], []
    for i in range(4500):
        path, ms = rng.choice(["/api/login", "/api/items", "/api/cart"]), rng.randint(15, 2500)
        requests.append(f"2025-07-0{rng.randint(1, 9)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} "
                        f"GET {path} 200 {ms}ms")
        login_ms += [ms] if path == "/api/login" else []
    out.append({"kind": "log-average-duration", "set": "I", "context": "\n".join(requests), "gold": round(sum(login_ms) / len(login_ms), 2),
                "question": "What was the average response time of /api/login requests in milliseconds?"})
    return out


def set_j(seed: int) -> list[dict]:
    """Set J, written at the twenty-fifth step after set I's structures were built: the same kinds of question in
    other words, over other data (a check that they hold beyond set I's phrasings, not questions unseen)."""
    rng = random.Random(8000 + seed)
    base = reference_text()
    out = []
    network = ["Cannot reach the internet from my desk.", "The wifi keeps dropping every few minutes.",
               "VPN disconnects as soon as I open the portal.", "No network connection on the 4th floor."]
    other = ["Please reset my email password.", "The printer on floor 2 is jammed.", "My monitor flickers.",
             "I need a licence for the design tool.", "The coffee machine is broken again.", "Laptop battery drains fast."]
    tickets, outages = [], 0
    for i in range(140):
        is_network = rng.random() < 0.25
        outages += is_network
        tickets.append(f"Ticket {3000 + i} [{rng.choice(['open', 'closed'])}]: {rng.choice(network if is_network else other)}")
    out.append({"kind": "semantic-count", "set": "J", "context": "\n".join(tickets), "gold": outages,
                "question": "How many tickets report a network problem?"})
    sales, region_total, by_customer = ["sale_id,customer,region,revenue"], Counter(), Counter()
    for i in range(2500):
        customer, region, revenue = rng.choice(["Abbott", "Novak", "Reyes", "Sato"]), rng.choice(["North", "South", "East"]), rng.randint(50, 900)
        sales.append(f"S{i},{customer},{region},{revenue}")
        region_total[region] += revenue
        by_customer[customer] += 1
    out.append({"kind": "negated-count", "set": "J", "context": "\n".join(sales), "gold": 2500 - by_customer["Novak"],
                "question": "How many sales were made to customers other than Novak?"})
    out.append({"kind": "per-group-total", "set": "J", "context": "\n".join(sales), "gold": dict(region_total),
                "question": "What is the total revenue per region?"})
    out.append({"kind": "any-above-none", "set": "J", "context": "\n".join(sales), "gold": False,
                "question": "Are there any sales with revenue above 1000?"})
    opened = Counter()
    issues = []
    for i in range(1800):
        who = rng.choice(["ana", "li", "tom", "ade"])
        opened[who] += 1
        issues.append(json.dumps({"id": i, "opened_by": who, "state": rng.choice(["open", "closed"])}))
    fewer, more = sorted(rng.sample(["ana", "li", "tom", "ade"], 2), key=opened.get)
    out.append({"kind": "fewer-than", "set": "J", "context": "\n".join(issues), "gold": opened[more] - opened[fewer],
                "question": f"How many fewer issues did {fewer} open than {more}?"})
    staff, finance = ["employee,department,salary"], []
    for i in range(900):
        dept, salary = rng.choice(["Finance", "Legal", "Support"]), rng.randint(30000, 120000)
        staff.append(f"P{i},{dept},{salary}")
        finance += [salary] if dept == "Finance" else []
    out.append({"kind": "median-of-group", "set": "J", "context": "\n".join(staff), "gold": float(statistics.median(finance)),
                "question": "What is the median salary in the Finance department?"})
    app, last_warn = [], None
    for i in range(4000):
        second = 6 * 3600 + i * 10
        level = "WARN" if rng.random() < 0.03 else rng.choice(["INFO", "DEBUG"])
        stamp = f"2025-08-14T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        last_warn = stamp if level == "WARN" else last_warn
        app.append(f"{stamp} [{level}] {rng.choice(['sync', 'mailer', 'indexer'])}: {rng.choice(['batch done', 'slow query', 'retry scheduled', 'cache miss'])}")
    out.append({"kind": "log-last-of", "set": "J", "context": "\n".join(app), "gold": last_warn.split("T")[1],
                "question": "When was the last WARN logged?"})
    backups, slowest = [], 0
    for i in range(3000):
        took = rng.randint(5, 600)
        job = rng.choice(["backup", "report", "cleanup"])
        slowest = max(slowest, took) if job == "backup" else slowest
        backups.append(f"2025-09-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00 job={job} status=ok duration={took}s")
    out.append({"kind": "log-slowest", "set": "J", "context": "\n".join(backups), "gold": slowest,
                "question": "How long did the slowest backup job take, in seconds?"})
    founded = plant(base, ["The Lund observatory was founded in 1753 by the town council.",
                           "Records show the Maris library opened its doors in 1698."], rng)
    out.append({"kind": "which-earlier-years", "set": "J", "context": founded, "gold": "Maris",
                "question": "Which is older, the Lund observatory or the Maris library?"})
    clauses, notice = [], {}
    for c in range(1, 10):
        clauses.append(f"Section {c}: {rng.choice(['Terms', 'Notice', 'Payment', 'Liability'])}")
        for k in range(1, 4):
            notice[c, k] = rng.choice([10, 14, 21, 30, 45, 60, 90])
            clauses.append(f"{c}.{k} Either party may end this part with {notice[c, k]} days' written notice.")
    c, k = rng.randint(2, 9), rng.randint(1, 3)
    out.append({"kind": "numbered-clause", "set": "J", "context": base[:30000] + "\n\n" + "\n".join(clauses) + "\n\n" + base[30000:60000],
                "gold": notice[c, k], "question": f"How many days' notice does clause {c}.{k} require?"})
    notes, drafts = {}, 0
    for k in range(50):
        author, tags = rng.choice(["Lee", "Mira", "Sam"]), rng.sample(["urgent", "draft", "finance", "hr", "ops"], 2)
        drafts += author == "Mira" and "draft" in tags
        notes[f"docs/{k:02d}.md"] = (f"---\ntitle: Memo {k}\nauthor: {author}\ntags:\n" + "".join(f"  - {t}\n" for t in tags)
                                     + "---\n\n" + "\n\n".join(rng.sample(base.split("\n\n"), 2)))
    out.append({"kind": "front-matter-count", "set": "J", "context": notes, "gold": drafts,
                "question": "How many notes by Mira are tagged draft?"})
    first = ["Ana", "Ben", "Cai", "Dov", "Eli", "Fen", "Gil", "Hoa", "Ida", "Jon"]
    people = rng.sample([f"{a} {b}" for a in first for b in ["Ruiz", "Kahn", "Ober", "Lutz", "Mori"]], 40)
    org, boss_of = ["name,reports_to,office"], {}
    for i, name in enumerate(people):
        boss_of[name] = people[rng.randrange(i)] if i else ""
        org.append(f"{name},{boss_of[name]},{rng.choice(['Oslo', 'Lima', 'Pune'])}")
    deep = rng.choice([n for n in people if boss_of[n] and boss_of[boss_of[n]]])
    out.append({"kind": "reports-to-two-hop", "set": "J", "context": "\n".join(org), "gold": boss_of[boss_of[deep]],
                "question": f"Who does {deep}'s manager report to?"})
    return out


def set_k(seed: int) -> list[dict]:
    """Set K, written at the twenty-fifth step before any run of it: other kinds again (the latest row by date,
    the second highest, days between two dated events, a question across two tables of a directory, how long a
    logged task took, rows above the average, a change between two years, how many different names prose
    mentions)."""
    rng = random.Random(9000 + seed)
    base = reference_text()
    out = []
    orders, latest = ["order_id,placed_on,customer,amount"], ("", "")
    for i in range(2000):
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        orders.append(f"ORD-{60000 + i},{day},{rng.choice(['Kaur', 'Lemaire', 'Mwangi', 'Novak'])},{round(rng.uniform(5, 900), 2)}")
        latest = max(latest, (day, f"ORD-{60000 + i}"))
    out.append({"kind": "latest-row", "set": "K", "context": "\n".join(orders), "gold": latest[0],
                "question": "When was the most recent order placed?"})
    pay = ["employee,team,salary"] + [f"{n},{rng.choice(['Ops', 'Dev'])},{s}" for n, s in
                                      zip(rng.sample([f"{a}{b}" for a in "BCDFGHKLMN" for b in ["ara", "eno", "ito", "ulu"]], 40),
                                          rng.sample(range(40000, 160000, 100), 40))]
    second = sorted(pay[1:], key=lambda row: -int(row.split(",")[2]))[1].split(",")[0]
    out.append({"kind": "second-highest", "set": "K", "context": "\n".join(pay), "gold": second,
                "question": "Who has the second highest salary?"})
    start, end = rng.randint(1, 100), rng.randint(120, 300)
    day0 = datetime.date(2022, 1, 1)
    d1, d2 = day0 + datetime.timedelta(days=start), day0 + datetime.timedelta(days=end)
    events = plant(base, [f"The bridge repairs began on {d1.day} {d1.strftime('%B')} {d1.year}.",
                          f"Traffic was allowed back on the bridge on {d2.day} {d2.strftime('%B')} {d2.year}."], rng)
    out.append({"kind": "days-between", "set": "K", "context": events, "gold": end - start,
                "question": "How many days passed between the start of the bridge repairs and traffic being allowed back?"})
    customers = ["customer,city"] + [f"C{i},{rng.choice(['Lisbon', 'Porto', 'Braga'])}" for i in range(60)]
    city = {row.split(",")[0]: row.split(",")[1] for row in customers[1:]}
    sales, lisbon = ["sale,customer,amount"], 0
    for i in range(1500):
        who, amount = f"C{rng.randrange(60)}", rng.randint(10, 500)
        sales.append(f"S{i},{who},{amount}")
        lisbon += amount if city[who] == "Lisbon" else 0
    out.append({"kind": "two-tables", "set": "K", "context": {"customers.csv": "\n".join(customers), "sales.csv": "\n".join(sales)},
                "gold": lisbon, "question": "What is the total amount of sales to customers in Lisbon?"})
    log, began = [], None
    for i in range(3000):
        second = 8 * 3600 + i * 6
        stamp = f"2025-10-02 {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        if i == 700:
            line, began = f"{stamp} deploy: release 4.2 rollout started", second
        elif i == 2300:
            line, ended = f"{stamp} deploy: release 4.2 rollout finished", second
        else:
            line = f"{stamp} {rng.choice(['health', 'sync', 'cache'])}: {rng.choice(['ok', 'refreshed', 'checked'])}"
        log.append(line)
    out.append({"kind": "log-took", "set": "K", "context": "\n".join(log), "gold": (ended - began) // 60,
                "question": "How many minutes did the release 4.2 rollout take?"})
    amounts = [round(rng.uniform(5, 900), 2) for _ in range(1999)]
    mean = sum(amounts) / len(amounts)
    out.append({"kind": "above-average", "set": "K", "context": "\n".join(["order_id,placed_on,customer,amount"] + [
        f"ORD-{60000 + i},2024-01-01,X,{a}" for i, a in enumerate(amounts)]), "gold": sum(a > mean for a in amounts),
        "question": "How many orders were above the average amount?"})
    revenue = ["year,quarter,revenue"] + [f"{y},Q{q},{rng.randint(100, 400) * 1000}" for y in (2023, 2024) for q in range(1, 5)]
    by_year = {y: sum(int(r.split(",")[2]) for r in revenue[1:] if r.startswith(str(y))) for y in (2023, 2024)}
    revenue += [f"2022,Q{q},{rng.randint(100, 400) * 1000}" for q in range(1, 5)] + \
        [f"2021,Q{q},{rng.randint(100, 400) * 1000}" for q in range(1, 5)]
    out.append({"kind": "percent-change", "set": "K", "context": "\n".join(revenue), "gold": round(100 * (by_year[2024] - by_year[2023]) / by_year[2023], 2),
                "question": "By what percentage did total revenue change from 2023 to 2024?"})
    ships = ["Aurora Vale", "Northern Tern", "Halcyon Drift", "Sea Lark", "Grey Petrel"][:rng.randint(3, 5)]
    ship_text = plant(base, [f"The research vessel {ship} {rng.choice(['docked at Tromso', 'left port at dawn', 'logged a storm'])} in {m}."
                             for ship in ships for m in rng.sample(["May", "June", "July"], 2)], rng)
    out.append({"kind": "distinct-names", "set": "K", "context": ship_text, "gold": len(ships),
                "question": "How many different research vessels does the text mention?"})
    return out


def set_l(seed: int) -> list[dict]:
    """Set L, written at the twenty-sixth step before any run of it: kinds no earlier set asked (whether one dated
    event came before another, a relation asked in other words than its column's, a config read from value to
    key, the rows in both of two groups, a total over prose, the group with the highest average in a log, a
    question the text cannot answer, a chapter's title, an XML lookup, a share of a table's rows, a count of log
    lines between two events)."""
    rng = random.Random(11000 + seed)
    base = reference_text()
    out = []
    first, second = sorted(rng.sample(range(10, 340), 2))
    festival_first = rng.random() < 0.5
    reopened, festival = (second, first) if festival_first else (first, second)
    day = lambda n: datetime.date(2023, 1, 1) + datetime.timedelta(days=n)  # noqa: E731
    text = plant(base, [f"The old harbour bridge was reopened to traffic on {day(reopened).day} {day(reopened).strftime('%B')} 2023.",
                        f"The harbour festival began on {day(festival).day} {day(festival).strftime('%B')} 2023 with a parade."], rng)
    out.append({"kind": "before-yes-no", "set": "L", "context": text, "gold": not festival_first,
                "question": "Was the harbour bridge reopened before the harbour festival began?"})
    names = rng.sample([f"{a} {b}" for a in ["Ana", "Bo", "Cyra", "Dev", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jun"]
                        for b in ["Ruiz", "Lund", "Okoro", "Sato", "Weber", "Costa"]], 40)
    boss = {name: rng.choice(names[:8]) for name in names[8:]}
    staff = ["name,title,reports_to"] + [f"{n},Director," for n in names[:8]] + [f"{n},Analyst,{boss[n]}" for n in names[8:]]
    person = rng.choice(names[8:])
    out.append({"kind": "relation-other-words", "set": "L", "context": "\n".join(staff), "gold": boss[person],
                "question": f"Who is {person}'s supervisor?"})
    services = [f"svc-{i:03d}" for i in range(300)]
    ports = rng.sample(range(8000, 9999), 300)
    ini = "\n\n".join(f"[{s}]\nhost = 10.2.{i // 250}.{i % 250}\nport = {p}\ntimeout = {rng.choice([5, 10, 30, 60])}"
                       for i, (s, p) in enumerate(zip(services, ports)))
    k = rng.randrange(300)
    out.append({"kind": "config-reverse-lookup", "set": "L", "context": ini, "gold": services[k],
                "question": f"Which service is configured to listen on port {ports[k]}?"})
    customers = ["Abebe", "Brandt", "Chowdhury", "Dumas", "Eze", "Fischer", "Garcia", "Horvat", "Ito", "Jensen"]
    both = sorted(rng.sample(customers, 3))
    orders = ["order_id,customer,city,amount"]
    for i in range(1200):
        customer = rng.choice(customers)
        city = rng.choice(["Lagos", "Oslo"]) if customer in both else \
            ("Lagos" if customers.index(customer) % 2 else "Oslo") if rng.random() < 0.8 else "Lima"
        orders.append(f"ORD-{40000 + i},{customer},{city},{round(rng.uniform(5, 400), 2)}")
    out.append({"kind": "in-both-groups", "set": "L", "context": "\n".join(orders), "gold": both,
                "exclude": [c for c in customers if c not in both],  # a list of every customer is not the answer
                "question": "Which customers placed orders in both Lagos and Oslo?"})
    bought, sentences = 0, []
    for d in range(1, 31):
        litres = rng.randint(40, 400)
        if rng.random() < 0.5:
            sentences.append(f"On day {d} of the crossing the expedition bought {litres} litres of fuel in port.")
            bought += litres
        else:
            sentences.append(f"On day {d} of the crossing the expedition burned {litres} litres of fuel against the wind.")
    out.append({"kind": "prose-total", "set": "L", "context": plant(base, sentences, rng), "gold": bought,
                "question": "How many litres of fuel did the expedition buy in total?"})
    speed = {"/api/search": 180, "/api/cart": 90, "/api/login": 60, "/api/items": 120, "/health": 5}
    lines, took = [], {e: [] for e in speed}
    for i in range(5000):
        endpoint = rng.choice(list(speed))
        ms = max(1, int(rng.gauss(speed[endpoint], 40)))
        took[endpoint].append(ms)
        lines.append(f"2025-05-06T{i * 17 // 3600 % 24:02d}:{i * 17 // 60 % 60:02d}:{i * 17 % 60:02d}Z GET {endpoint} 200 {ms}ms")
    slowest = max(took, key=lambda e: sum(took[e]) / len(took[e]))
    out.append({"kind": "log-group-average-max", "set": "L", "context": "\n".join(lines), "gold": slowest,
                "question": "Which endpoint has the highest average response time?"})
    archive = plant(base, ["The Greyhaven archive is open to researchers on weekdays from nine to four.",
                           "Visitors to the Greyhaven archive must sign the register at the gate.",
                           "The Greyhaven archive's reading room was repainted last year."], rng)
    out.append({"kind": "unanswerable", "set": "L", "context": archive, "gold": None,
                "question": "What is the door code of the Greyhaven archive?"})
    parts = base.split("\n\n")
    titles = rng.sample(["The Salt Road", "A Winter in Tromso", "Lanterns", "The Ferryman's Debt", "North of the Weir",
                         "Glass and Iron", "The Long Audit", "Harbour Lights", "An Unfinished Map", "The Last Tide",
                         "Quiet Engines", "The Orchard Letters"], 12)
    book = "\n\n".join(f"## Chapter {n + 1}: {title}\n\n" + "\n\n".join(parts[n * 40:(n + 1) * 40])
                        for n, title in enumerate(titles))
    chapter = rng.randint(3, 11)
    out.append({"kind": "chapter-title", "set": "L", "context": book, "gold": titles[chapter - 1],
                "question": f"What is the title of chapter {chapter}?"})
    skus = rng.sample([f"{a}-{n}" for a in "ABCDEFGH" for n in range(1000, 9999, 7)], 900)
    prices = {sku: f"{rng.randint(1, 400)}.{rng.randint(0, 99):02d}" for sku in skus}
    xml = "<catalog>\n" + "\n".join(f'  <item sku="{sku}">\n    <name>{rng.choice(["Lamp", "Kettle", "Shelf", "Clock"])} '
                                     f'{rng.randint(1, 99)}</name>\n    <price currency="EUR">{prices[sku]}</price>\n  </item>'
                                     for sku in skus) + "\n</catalog>"
    sku = rng.choice(skus)
    out.append({"kind": "xml-lookup", "set": "L", "context": xml, "gold": prices[sku],
                "question": f"What is the price of the item with SKU {sku}?"})
    cities = ["Oslo", "Lagos", "Lima", "Pune"]
    sales = ["date,order_id,city,amount"] + [f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},ORD-{50000 + i},"
                                             f"{rng.choice(cities)},{round(rng.uniform(5, 400), 2)}" for i in range(2400)]
    oslo = sum(row.split(",")[2] == "Oslo" for row in sales[1:])
    out.append({"kind": "csv-share", "set": "L", "context": "\n".join(sales), "gold": round(100 * oslo / 2400, 2),
                "question": "What percentage of the orders came from Oslo?"})
    log, errors, running = [], 0, False
    for i in range(4000):
        second = 6 * 3600 + i * 9
        stamp = f"2025-11-20 {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        if i == 1100:
            line, running = f"{stamp} INFO backup: nightly backup started", True
        elif i == 2900:
            line, running = f"{stamp} INFO backup: nightly backup finished", False
        else:
            level = rng.choices(["INFO", "WARN", "ERROR"], [80, 12, 8])[0]
            line = f"{stamp} {level} {rng.choice(['db', 'queue', 'web'])}: {rng.choice(['slow query', 'retry', 'timeout', 'ok'])}"
            errors += running and level == "ERROR"
        log.append(line)
    out.append({"kind": "log-count-between-events", "set": "L", "context": "\n".join(log), "gold": errors,
                "question": "How many ERROR lines were logged while the nightly backup was running?"})
    return out


def set_m(seed: int) -> list[dict]:
    """Set M, written at the twenty-sixth step after set L's structures were built and before any run of it: five
    kinds no set asked (a count of a config's blocks by a field, records written as XML counted by a condition, who
    sent the most e-mails, how many chapters a book has, how many different users a log names within an event's
    span), and five of set L's kinds in other words over other data (a check of what was built for L, not unseen
    questions)."""
    rng = random.Random(12000 + seed)
    base = reference_text()
    out = []
    timeouts = [rng.choice([5, 10, 30, 60]) for _ in range(250)]
    ini = "\n\n".join(f"[worker-{i:03d}]\nqueue = {rng.choice(['mail', 'billing', 'search'])}\ntimeout = {t}\nretries = {rng.randint(0, 5)}"
                       for i, t in enumerate(timeouts))
    out.append({"kind": "config-count-blocks", "set": "M", "context": ini, "gold": timeouts.count(30),
                "question": "How many workers have a timeout of 30?"})
    prices = [round(rng.uniform(5, 600), 2) for _ in range(700)]
    xml = "<inventory>\n" + "\n".join(f'  <product id="P{1000 + i}">\n    <title>Item {i}</title>\n    <price>{price}</price>\n'
                                       f'    <stock>{rng.randint(0, 90)}</stock>\n  </product>' for i, price in enumerate(prices)) + "\n</inventory>"
    out.append({"kind": "xml-count-condition", "set": "M", "context": xml, "gold": sum(price > 500 for price in prices),
                "question": "How many products have a price above 500?"})
    senders = ["amara@corp.example", "bjorn@corp.example", "chen@corp.example", "dalia@corp.example"]
    weights = rng.sample([30, 22, 17, 11], 4)
    sent = rng.choices(senders, weights, k=900)
    emails = [f"From: {who}\nTo: team@corp.example\nSubject: {rng.choice(['Status', 'Lunch', 'Review', 'Notes'])}\n\n"
              f"{rng.choice(['See attached.', 'Thanks all.', 'Any updates?', 'Moving this to Friday.'])}" for who in sent]
    out.append({"kind": "email-most-sender", "set": "M", "context": emails, "gold": Counter(sent).most_common(1)[0][0].split("@")[0],
                "question": "Who sent the most e-mails?"})
    parts = base.split("\n\n")
    chapters = rng.randint(9, 16)
    book = "\n\n".join(f"## Chapter {n + 1}: {rng.choice(['Salt', 'Iron', 'Glass', 'Rain', 'Maps'])} {n + 1}\n\n"
                        + "\n\n".join(parts[n * 30:(n + 1) * 30]) for n in range(chapters))
    out.append({"kind": "chapter-count", "set": "M", "context": book, "gold": chapters,
                "question": "How many chapters does the book have?"})
    log, users, running = [], set(), False
    for i in range(3000):
        second = 9 * 3600 + i * 7
        stamp = f"2025-12-01 {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        if i == 900:
            line, running = f"{stamp} INFO migration: schema migration started", True
        elif i == 2100:
            line, running = f"{stamp} INFO migration: schema migration finished", False
        else:
            user = f"user{rng.randint(1, 900)}"  # some users log in only outside the migration
            line = f"{stamp} INFO auth: login ok user={user}"
            if running:
                users.add(user)
        log.append(line)
    out.append({"kind": "log-distinct-during-event", "set": "M", "context": "\n".join(log), "gold": len(users),
                "question": "How many different users logged in during the schema migration?"})
    # Set L's kinds in other words, over other data.
    first, second = sorted(rng.sample(range(10, 340), 2))
    opened_first = rng.random() < 0.5
    museum, tunnel = (first, second) if opened_first else (second, first)
    day = lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n)  # noqa: E731
    text = plant(base, [f"The new city museum opened its doors on {day(museum).strftime('%B')} {day(museum).day}, 2024.",
                        f"The Nordhavn tunnel was completed on {day(tunnel).strftime('%B')} {day(tunnel).day}, 2024."], rng)
    out.append({"kind": "after-yes-no", "set": "M", "context": text, "gold": not opened_first,
                "question": "Did the city museum open after the Nordhavn tunnel was completed?"})
    names = rng.sample([f"{a} {b}" for a in ["Ines", "Jonas", "Kemi", "Lars", "Mona", "Nils", "Oda", "Per"]
                        for b in ["Aalto", "Brun", "Dahl", "Eng", "Falk"]], 36)
    lead = {name: rng.choice(names[:6]) for name in names[6:]}
    team = ["employee;role;manager"] + [f"{n};Lead;" for n in names[:6]] + [f"{n};Engineer;{lead[n]}" for n in names[6:]]
    person = rng.choice(names[6:])
    out.append({"kind": "relation-other-words-2", "set": "M", "context": "\n".join(team), "gold": lead[person],
                "question": f"To whom does {person} report?"})
    ports = rng.sample(range(7000, 7999), 200)
    yaml = "\n".join(f"app-{i:03d}:\n  image: registry.local/app-{i:03d}:1.{rng.randint(0, 9)}\n  port: {p}\n  replicas: {rng.randint(1, 6)}"
                     for i, p in enumerate(ports))
    k = rng.randrange(200)
    out.append({"kind": "yaml-reverse-lookup", "set": "M", "context": yaml, "gold": f"app-{k:03d}",
                "question": f"Which app uses port {ports[k]}?"})
    log, warnings, running = [], 0, False
    for i in range(3500):
        second = 14 * 3600 + i * 5
        stamp = f"2025-12-02T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        if i == 1000:
            line, running = f"{stamp} [INFO] deploy: deployment of v7 started", True
        elif i == 2600:
            line, running = f"{stamp} [INFO] deploy: deployment of v7 completed", False
        else:
            level = rng.choices(["INFO", "WARN", "ERROR"], [85, 10, 5])[0]
            line = f"{stamp} [{level}] {rng.choice(['api', 'worker'])}: {rng.choice(['slow response', 'retrying', 'cache miss', 'ok'])}"
            warnings += running and level == "WARN"
        log.append(line)
    out.append({"kind": "log-count-during-event-2", "set": "M", "context": "\n".join(log), "gold": warnings,
                "question": "How many WARN lines appeared during the deployment of v7?"})
    speed = {"/v1/orders": 140, "/v1/users": 70, "/v1/search": 210, "/v1/cart": 95}
    lines, took = [], {r: [] for r in speed}
    for i in range(4000):
        route = rng.choice(list(speed))
        ms = max(1, int(rng.gauss(speed[route], 35)))
        took[route].append(ms)
        lines.append(f"[2025-12-03 {i * 13 // 3600 % 24:02d}:{i * 13 // 60 % 60:02d}:{i * 13 % 60:02d}] route={route} status=200 latency={ms}ms")
    fastest = min(took, key=lambda r: sum(took[r]) / len(took[r]))
    out.append({"kind": "log-group-average-min", "set": "M", "context": "\n".join(lines), "gold": fastest,
                "question": "Which route has the lowest average latency?"})
    return out


def set_n(seed: int) -> list[dict]:
    """Set N, written at the end of the twenty-sixth step, after its last engine change and before any run of it, and
    run once on that engine with no change after: kinds no set asked (a count in a pretty-printed JSON array, the
    month with the most rows, a log's busiest hour, an average over rows past a year, a markdown table's extreme, a
    ship named by what it did, the blocks a value picks listed, a total over blocks)."""
    rng = random.Random(13000 + seed)
    base = reference_text()
    out = []
    roles = [rng.choices(["admin", "editor", "viewer"], [1, 3, 8])[0] for _ in range(400)]
    users = json.dumps([{"id": 700 + i, "login": f"u{700 + i}", "role": role, "active": rng.random() < 0.8}
                        for i, role in enumerate(roles)], indent=2)
    out.append({"kind": "json-array-count", "set": "N", "context": users, "gold": roles.count("admin"),
                "question": "How many users have the role admin?"})
    months = Counter()
    orders = ["order_id,placed_on,customer,amount"]
    for i in range(1800):
        month = rng.choices(range(1, 13), [5, 5, 6, 5, 5, 9, 5, 5, 6, 5, 5, 5])[0]
        months[month] += 1
        orders.append(f"ORD-{90000 + i},2024-{month:02d}-{rng.randint(1, 28):02d},{rng.choice(['Kaur', 'Novak', 'Mwangi'])},"
                      f"{round(rng.uniform(5, 500), 2)}")
    busiest = datetime.date(2024, months.most_common(1)[0][0], 1).strftime("%B")
    out.append({"kind": "csv-month-most", "set": "N", "context": "\n".join(orders), "gold": busiest,
                "question": "In which month were the most orders placed?"})
    hours = Counter()
    access = []
    for i in range(5000):
        hour = rng.choices(range(24), [1] * 14 + [4] + [1] * 9)[0]
        hours[hour] += 1
        access.append(f'10.9.{rng.randint(0, 9)}.{rng.randint(1, 254)} - - [14/Oct/2025:{hour:02d}:{rng.randint(0, 59):02d}:'
                      f'{rng.randint(0, 59):02d} +0000] "GET /{rng.choice(["a", "b", "c"])} HTTP/1.1" 200 {rng.randint(200, 9000)}')
    out.append({"kind": "log-busiest-hour", "set": "N", "context": "\n".join(access), "gold": f"{hours.most_common(1)[0][0]:02d}",
                "question": "During which hour of the day were the most requests logged?"})
    staff, pay = ["name,joined,salary"], []
    for i in range(900):
        joined, salary = rng.randint(2010, 2024), rng.randrange(40000, 120000, 10)
        staff.append(f"{rng.choice('BCDFGHKLMNPRST')}{rng.choice('aeiou')}{rng.choice('lnrst')}{i:03d},{joined},{salary}")
        pay += [salary] if joined > 2020 else []
    out.append({"kind": "csv-average-after-year", "set": "N", "context": "\n".join(staff), "gold": round(sum(pay) / len(pay), 2),
                "question": "What is the average salary of employees who joined after 2020?"})
    towns = sorted({f"{rng.choice(['Al', 'Be', 'Ko', 'Ra', 'Ve', 'Dun'])}{rng.choice(['by', 'mark', 'ford', 'lund', 'wick'])}"
                    for _ in range(60)})
    area = {town: rng.randint(20, 900) for town in towns}
    table = ["| Town | Area (km2) | Founded |", "|---|---|---|"] + [f"| {t} | {area[t]} | {rng.randint(1100, 1900)} |" for t in towns]
    report = base[:50000] + "\n\n## Towns\n\n" + "\n".join(table) + "\n\n" + base[50000:90000]
    out.append({"kind": "markdown-table-extreme", "set": "N", "context": report, "gold": max(area, key=area.get),
                "question": "Which town has the largest area?"})
    ships = rng.sample(["Aurora Vale", "Northern Tern", "Halcyon Drift", "Sea Lark", "Grey Petrel"], 4)
    text = plant(base, [f"The research vessel {ships[0]} left port at dawn with a full crew.",
                        f"The research vessel {ships[1]} stayed in the harbour for repairs.",
                        f"The research vessel {ships[2]} docked at Tromso in the afternoon.",
                        f"The research vessel {ships[3]} anchored off the coast overnight."], rng)
    out.append({"kind": "prose-which-did", "set": "N", "context": text, "gold": ships[0],
                "question": "Which research vessel left port at dawn?"})
    queues = [rng.choices(["mail", "billing", "search", "reports"], [30, 2, 30, 30])[0] for _ in range(150)]
    ini = "\n\n".join(f"[worker-{i:03d}]\nqueue = {q}\nthreads = {rng.randint(1, 8)}" for i, q in enumerate(queues))
    out.append({"kind": "ini-list", "set": "N", "context": ini,
                "gold": [f"worker-{i:03d}" for i, q in enumerate(queues) if q == "billing"],
                "exclude": [f"worker-{i:03d}" for i, q in enumerate(queues) if q != "billing"],
                "question": "Which workers use the billing queue?"})
    replicas = [rng.randint(1, 6) for _ in range(120)]
    yaml = "\n".join(f"svc-{i:03d}:\n  image: registry.local/svc-{i:03d}:2.{rng.randint(0, 9)}\n  replicas: {r}" for i, r in enumerate(replicas))
    out.append({"kind": "yaml-total", "set": "N", "context": yaml, "gold": sum(replicas),
                "question": "How many replicas do all the services run in total?"})
    return out


def set_o(seed: int) -> list[dict]:
    """Set O, written at the end of the twenty-sixth step, after set N's kinds were built and before any run of it,
    and run once with no change after: kinds no set asked (a quarter's total, a markdown table's row count, the
    largest value over config blocks, the oldest person by birth year, the latest note by front matter, orders on
    weekends, different addresses within hours, which of several names a text mentions first)."""
    rng = random.Random(14000 + seed)
    base = reference_text()
    out = []
    orders, q1 = ["order_id,placed_on,customer,amount"], 0.0
    for i in range(2000):
        month = rng.randint(1, 12)
        amount = round(rng.uniform(5, 500), 2)
        orders.append(f"ORD-{70000 + i},2024-{month:02d}-{rng.randint(1, 28):02d},{rng.choice(['Kaur', 'Novak', 'Lee'])},{amount}")
        q1 += amount if month <= 3 else 0
    out.append({"kind": "csv-quarter-total", "set": "O", "context": "\n".join(orders), "gold": round(q1, 2),
                "question": "What was the total order amount in the first quarter of 2024?"})
    rows = rng.randint(25, 60)
    table = ["| Item | Count | Shelf |", "|---|---|---|"] + [f"| item {i} | {rng.randint(1, 90)} | {rng.choice('ABCD')} |" for i in range(rows)]
    report = base[:40000] + "\n\n## Inventory\n\n" + "\n".join(table) + "\n\n" + base[40000:80000]
    out.append({"kind": "markdown-row-count", "set": "O", "context": report, "gold": rows,
                "question": "How many items are listed in the inventory table?"})
    timeouts = [rng.choice([5, 10, 30, 60, 90]) for _ in range(180)]
    timeouts[rng.randrange(180)] = 240
    ini = "\n\n".join(f"[job-{i:03d}]\nschedule = daily\ntimeout = {t}" for i, t in enumerate(timeouts))
    out.append({"kind": "ini-largest", "set": "O", "context": ini, "gold": 240,
                "question": "What is the largest timeout configured for any job?"})
    people = rng.sample(["Ari", "Bela", "Cato", "Dara", "Enzo", "Fenna", "Gil", "Hedda", "Ilse", "Joris", "Kaia",
                         "Lior", "Mette", "Nuno", "Odile", "Pavo", "Quint", "Runa", "Sten", "Tove"], 20)
    born = rng.sample(range(1950, 2004), 20)
    staff = ["name,team,birth_year"] + [f"{n},{rng.choice(['Ops', 'Dev', 'Sales'])},{y}" for n, y in zip(people, born)]
    out.append({"kind": "oldest-person", "set": "O", "context": "\n".join(staff), "gold": people[born.index(min(born))],
                "question": "Who is the oldest employee?"})
    notes, latest = {}, ("", "")
    for i in range(40):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
        title = f"Meeting notes {100 + i}"
        notes[f"notes/n{i:02d}.md"] = f"---\ntitle: {title}\ndate: {day.isoformat()}\nauthor: {rng.choice(['Lee', 'Kim'])}\n---\n\nDiscussed items."
        latest = max(latest, (day.isoformat(), title))
    out.append({"kind": "notes-latest", "set": "O", "context": notes, "gold": latest[1],
                "question": "Which note was written most recently?"})
    sales, weekend = ["order_id,placed_on,amount"], 0
    for i in range(1500):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 365))
        sales.append(f"S-{i},{day.isoformat()},{round(rng.uniform(5, 300), 2)}")
        weekend += day.weekday() >= 5
    out.append({"kind": "weekend-count", "set": "O", "context": "\n".join(sales), "gold": weekend,
                "question": "How many orders were placed on a weekend?"})
    hosts = [f"10.4.{rng.randint(0, 9)}.{rng.randint(1, 254)}" for _ in range(200)]
    access, seen = [], set()
    for i in range(6000):
        hour, host = rng.randint(0, 23), rng.choice(hosts)
        access.append(f'{host} - - [09/Nov/2025:{hour:02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000] "GET /x HTTP/1.1" 200 512')
        if 10 <= hour < 11:
            seen.add(host)
    out.append({"kind": "distinct-in-hours", "set": "O", "context": "\n".join(access), "gold": len(seen),
                "question": "How many different IP addresses made requests between 10:00 and 11:00?"})
    ships = rng.sample(["Aurora Vale", "Northern Tern", "Halcyon Drift", "Sea Lark", "Grey Petrel"], 3)
    parts = base.split("\n\n")
    at = sorted(rng.sample(range(100, len(parts) - 100), 3))
    for ship, k in zip(ships, at):
        parts.insert(k, f"The research vessel {ship} {rng.choice(['docked at Tromso', 'left port at dawn'])} that week.")
    out.append({"kind": "first-mentioned", "set": "O", "context": "\n\n".join(parts), "gold": ships[0],
                "question": "Which research vessel does the text mention first?"})
    return out


def set_p(seed: int) -> list[dict]:
    """Set P, written in the twenty-seventh step after set O's kinds were built and before any run of it, and run
    once on that engine with no change after: kinds no set asked (open tasks due before a day, the user with the
    most failed logins in a month of JSON lines, a stock's value as price times quantity, an officer named by what
    she does, a median within a department, the heading a fact is under, orders of the data's last seven days, the
    function taking the most parameters in a package)."""
    rng = random.Random(15000 + seed)
    base = reference_text()
    out = []
    tasks, open_due = ["task_id,owner,status,due_date"], 0
    for i in range(900):
        status = rng.choice(["open", "done", "done", "blocked"])
        due = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 180))
        tasks.append(f"T-{3000 + i},{rng.choice(['Ana', 'Ben', 'Chen'])},{status},{due.isoformat()}")
        open_due += status == "open" and due < datetime.date(2025, 3, 1)
    out.append({"kind": "open-due-before", "set": "P", "context": "\n".join(tasks), "gold": open_due,
                "question": "How many tasks that are still open were due before 2025-03-01?"})
    events, failed = [], Counter()
    for i in range(3000):
        day = datetime.date(2025, 2, 1) + datetime.timedelta(days=rng.randint(0, 88))
        user, ok = rng.choice(["ines", "omar", "pia", "raj", "sun"]), rng.random() < 0.8
        events.append(json.dumps({"ts": f"{day.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
                                  "user": user, "action": "login", "result": "ok" if ok else "failed"}))
        failed[user] += not ok and day.month == 3
    out.append({"kind": "jsonl-most-failed-month", "set": "P", "context": "\n".join(events),
                "gold": failed.most_common(1)[0][0], "question": "Which user had the most failed logins in March 2025?"})
    stock, value = ["sku,product,unit_price,quantity"], 0.0
    for i in range(150):
        price, quantity = round(rng.uniform(1, 80), 2), rng.randint(0, 40)
        stock.append(f"SKU-{500 + i},part {i},{price},{quantity}")
        value += price * quantity
    out.append({"kind": "stock-value", "set": "P", "context": "\n".join(stock), "gold": round(value, 2),
                "question": "What is the total value of the stock, counting each product's unit price times its quantity?"})
    officer = rng.choice(["Mireille Duval", "Tomasz Wrona", "Ayo Bankole"])
    roster = plant(base, [f"At the annual meeting the rowing club elected {officer} as treasurer, in charge of its accounts.",
                          "The rowing club's secretary, Lena Ostrow, keeps the minutes of every meeting."], rng)
    out.append({"kind": "officer-other-words", "set": "P", "context": roster, "gold": officer,
                "question": "Who looks after the rowing club's money?"})
    staff, engineering = ["employee,department,salary"], []
    for i in range(300):
        department, salary = rng.choice(["Engineering", "Sales", "Support"]), rng.randrange(38000, 140000, 500)
        staff.append(f"E{4000 + i},{department},{salary}")
        engineering += [salary] if department == "Engineering" else []
    out.append({"kind": "median-in-group", "set": "P", "context": "\n".join(staff),
                "gold": float(statistics.median(engineering)),
                "question": "What is the median salary in the Engineering department?"})
    headings = rng.sample(["Installation", "Safety", "Cleaning", "Troubleshooting", "Returns", "Accessories",
                           "Storage", "Specifications"], 8)
    warranty_under = headings[rng.randrange(1, 8)]
    manual = []
    for heading in headings:
        manual.append(f"## {heading}\n\n" + "\n\n".join(rng.sample(base.split("\n\n")[200:900], 12)))
        if heading == warranty_under:
            manual[-1] += "\n\nThe warranty covers parts and labour for 36 months from the date of purchase."
    out.append({"kind": "heading-of-fact", "set": "P", "context": "# Owner's manual\n\n" + "\n\n".join(manual),
                "gold": warranty_under, "question": "Under which heading of the manual is the warranty period given?"})
    orders, days = ["order_id,placed_on,amount"], []
    for i in range(1200):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
        days.append(day)
        orders.append(f"O-{i},{day.isoformat()},{round(rng.uniform(5, 300), 2)}")
    last = max(days)
    out.append({"kind": "last-seven-days", "set": "P", "context": "\n".join(orders),
                "gold": sum(d > last - datetime.timedelta(days=7) for d in days),
                "question": "How many orders were placed in the last 7 days covered by the data?"})
    files, widest = {}, ("", -1)
    for m in range(12):
        functions = []
        for f in range(rng.randint(3, 8)):
            name = f"{rng.choice(['load', 'parse', 'merge', 'check', 'send', 'build'])}_{rng.choice(['item', 'batch', 'row', 'frame'])}_{m}{f}"
            params = [f"p{k}" for k in range(rng.randint(0, 6))]
            if m == 7 and f == 1:
                params = [f"p{k}" for k in range(9)]
            functions.append(f"def {name}({', '.join(params)}):\n    return {params[0] if params else None}\n")
            widest = max(widest, (name, len(params)), key=lambda w: w[1])
        files[f"pkg/mod_{m:02d}.py"] = '"""Module."""\n\n\n' + "\n\n".join(functions)
    out.append({"kind": "most-parameters", "set": "P", "context": files, "gold": widest[0],
                "question": "Which function takes the most parameters?"})
    return out


def set_q(seed: int) -> list[dict]:
    """Set Q, written in the twenty-seventh step after set P's kinds were built and before any run of it, and run
    once on that engine with no change after: kinds no set asked (a total's change from one month to the next,
    the group with the second most rows, a count by a nested JSON field, the items of a markdown list, functions
    no code calls, how long a log spans, customers of more than one city, how often prose names a person)."""
    rng = random.Random(16000 + seed)
    base = reference_text()
    out = []
    sales, by_month = ["sale_id,sold_on,amount"], Counter()
    for i in range(1400):
        day = datetime.date(2024, rng.randint(1, 6), rng.randint(1, 28))
        amount = round(rng.uniform(10, 400), 2)
        sales.append(f"S-{i},{day.isoformat()},{amount}")
        by_month[day.month] += amount
    change = round(abs(100 * (by_month[4] - by_month[3]) / by_month[3]), 2)
    out.append({"kind": "month-percent-change", "set": "Q", "context": "\n".join(sales), "gold": change,
                "question": "By what percentage did total sales change from March 2024 to April 2024?"})
    cities = ["Lagos", "Oslo", "Lima", "Pune", "Perth"]
    weights = rng.sample([30, 22, 15, 9, 5], 5)
    orders, per_city, customers = ["order_id,customer,city"], Counter(), {}
    for i in range(1500):
        city, customer = rng.choices(cities, weights)[0], f"C{rng.randint(100, 400)}"
        orders.append(f"O-{i},{customer},{city}")
        per_city[city] += 1
        customers.setdefault(customer, set()).add(city)
    out.append({"kind": "second-most-group", "set": "Q", "context": "\n".join(orders), "gold": per_city.most_common(2)[1][0],
                "question": "Which city has the second most orders?"})
    events, canada = [], 0
    for i in range(2000):
        country = rng.choice(["Canada", "Chile", "Kenya", "Japan"])
        events.append(json.dumps({"id": i, "kind": rng.choice(["view", "click"]),
                                  "user": {"name": f"user{rng.randint(1, 300)}", "country": country}}))
        canada += country == "Canada"
    out.append({"kind": "nested-json-count", "set": "Q", "context": "\n".join(events), "gold": canada,
                "question": "How many events came from users in Canada?"})
    attendees = rng.randint(14, 30)
    minutes = (base[:30000] + "\n\n## Attendees\n\n" + "\n".join(f"- Person {i} ({rng.choice(['board', 'staff'])})"
               for i in range(attendees)) + "\n\n## Decisions\n\n- Approve the budget\n- Move the meeting\n\n" + base[30000:60000])
    out.append({"kind": "markdown-list-count", "set": "Q", "context": minutes, "gold": attendees,
                "question": "How many people attended the meeting?"})
    files, uncalled = {}, []
    names = [f"{verb}_{noun}" for verb in ("load", "save", "check", "merge") for noun in ("config", "cache", "user")]
    rng.shuffle(names)
    called = set(names[:9])
    for m, chunk in enumerate((names[:4], names[4:8], names[8:])):
        body = []
        for name in chunk:
            callees = rng.sample(sorted(called - {name}), 2)
            body.append(f"def {name}(value):\n    {callees[0]}(value)\n    return {callees[1]}(value)\n")
        files[f"app/part{m}.py"] = "\n\n".join(body)
    really_called = {c for text in files.values() for c in re.findall(r"^    (?:return )?(\w+)\(", text, re.M)}
    uncalled = sorted(set(names) - really_called)
    out.append({"kind": "uncalled-functions", "set": "Q", "context": files, "gold": uncalled, "exclude": sorted(really_called),
                "question": "Which functions are never called anywhere in the code?"})
    start = datetime.datetime(2025, 5, 3, 6, rng.randint(0, 59))
    stamps = sorted(start + datetime.timedelta(seconds=rng.randint(0, 9 * 3600)) for _ in range(3000))
    log = [f"{t.isoformat(sep=' ')} INFO worker-{rng.randint(1, 4)} processed batch {i}" for i, t in enumerate(stamps)]
    span = stamps[-1] - stamps[0]
    out.append({"kind": "log-span", "set": "Q", "context": "\n".join(log),
                "gold": span.seconds // 3600,
                "question": "How many whole hours does the log cover from its first line to its last?"})
    out.append({"kind": "multi-city-customers", "set": "Q", "context": "\n".join(orders),
                "gold": sum(len(c) > 1 for c in customers.values()),
                "question": "How many customers placed orders in more than one city?"})
    keeper = rng.choice(["Edda Holm", "Piet Vos", "Ruth Ansel"])
    mentions = rng.randint(5, 12)
    story = plant(base, [f"{keeper} {rng.choice(['trimmed the lamp', 'logged the weather', 'painted the railing', 'wound the clock'])}"
                         f" at the lighthouse that morning." for _ in range(mentions)], rng)
    out.append({"kind": "mention-count", "set": "Q", "context": story, "gold": mentions,
                "question": f"How many times does the text mention {keeper}?"})
    return out


def set_r(seed: int) -> list[dict]:
    """Set R, written in the twenty-seventh step after set Q's kinds were built and before any run of it, and run
    once on that engine with no change after: kinds no set asked (the longest gap between log lines, the average
    of rows per month, the commonest item of list cells, the blocks missing a field, two comparisons on two
    columns, the longest file of a package, the blocks whose list holds a value, the things prose says were
    carried)."""
    rng = random.Random(17000 + seed)
    base = reference_text()
    out = []
    at, lines, gaps = datetime.datetime(2025, 8, 1, 0, 0), [], []
    for i in range(2500):
        step = rng.randint(1, 40) if i != 1700 else rng.randint(900, 1500)
        at += datetime.timedelta(seconds=step)
        gaps.append(step)
        lines.append(f"{at.isoformat(sep=' ')} INFO poller checked queue depth={rng.randint(0, 50)}")
    out.append({"kind": "log-longest-gap", "set": "R", "context": "\n".join(lines), "gold": max(gaps[1:]),
                "question": "What was the longest gap, in seconds, between two consecutive lines of the log?"})
    orders, months = ["order_id,placed_on,amount"], Counter()
    for i in range(rng.randint(900, 1300)):
        day = datetime.date(2024, rng.randint(1, 12), rng.randint(1, 28))
        orders.append(f"O-{i},{day.isoformat()},{round(rng.uniform(5, 90), 2)}")
        months[day.month] += 1
    out.append({"kind": "average-per-month", "set": "R", "context": "\n".join(orders),
                "gold": round((len(orders) - 1) / 12, 2),
                "question": "On average, how many orders were placed per month in 2024?"})
    tags = Counter()
    posts = []
    for i in range(600):
        mine = rng.sample(["python", "rust", "go", "sql", "linux", "docker"], rng.randint(1, 3))
        mine += ["rust"] * (rng.random() < 0.15 and "rust" not in mine)
        tags.update(mine)
        posts.append({"id": i, "title": f"Post {i}", "tags": mine})
    out.append({"kind": "commonest-list-item", "set": "R", "context": json.dumps(posts, indent=1),
                "gold": tags.most_common(1)[0][0], "question": "Which tag is used on the most posts?"})
    jobs, missing = [], []
    for i in range(160):
        fields = [f"schedule = {rng.choice(['hourly', 'daily'])}", f"owner = {rng.choice(['ops', 'data'])}"]
        if rng.random() < 0.06:
            missing.append(f"job-{i:03d}")
        else:
            fields.append(f"timeout = {rng.choice([30, 60, 120])}")
        jobs.append(f"[job-{i:03d}]\n" + "\n".join(fields))
    out.append({"kind": "blocks-missing-field", "set": "R", "context": "\n\n".join(jobs), "gold": missing,
                "exclude": [f"job-{i:03d}" for i in range(160) if f"job-{i:03d}" not in missing][:40],
                "question": "Which jobs have no timeout set?"})
    towns, both = ["| Town | Population | Area |", "|---|---|---|"], 0
    for i in range(45):
        population, area = rng.randint(2000, 120000), rng.randint(10, 400)
        towns.append(f"| Town {i} | {population} | {area} |")
        both += population > 50000 and area < 100
    report = base[:20000] + "\n\n## Towns\n\n" + "\n".join(towns) + "\n\n" + base[20000:40000]
    out.append({"kind": "two-comparisons", "set": "R", "context": report, "gold": both,
                "question": "How many towns have a population over 50000 and an area under 100?"})
    files, longest = {}, ("", 0)
    for m in range(10):
        body = "\n\n".join(f"def f{m}_{k}(x):\n" + "\n".join(f"    x = x + {j}" for j in range(rng.randint(1, 12))) + "\n    return x"
                           for k in range(rng.randint(2, 9)))
        files[f"lib/m{m}.py"] = body + "\n"
        longest = max(longest, (f"lib/m{m}.py", body.count("\n") + 1), key=lambda f: f[1])
    out.append({"kind": "longest-file", "set": "R", "context": files, "gold": longest[0],
                "question": "Which file of the package has the most lines?"})
    services, on_redis = [], []
    for i in range(90):
        needs = rng.sample(["postgres", "redis", "kafka", "s3"], rng.randint(1, 2))
        services.append(f"svc-{i:02d}:\n  image: app/{i}\n  depends_on: [{', '.join(needs)}]")
        on_redis += [f"svc-{i:02d}"] if "redis" in needs else []
    out.append({"kind": "blocks-list-holds", "set": "R", "context": "\n".join(services), "gold": len(on_redis),
                "question": "How many services depend on redis?"})
    carried = rng.sample(["a sextant", "a barometer", "a chronometer", "a spyglass", "a rain gauge"], 3)
    journal = plant(base, [f"Among its instruments the survey party carried {thing}." for thing in carried]
                    + ["The survey party left the lantern and the spare oars at the harbour."], rng)
    out.append({"kind": "prose-carried-list", "set": "R", "context": journal,
                "gold": [c.split(" ", 1)[1] for c in carried], "exclude": ["lantern", "oars"],
                "question": "Which instruments did the survey party carry?"})
    return out


def set_s(seed: int) -> list[dict]:
    """Set S, written in the twenty-eighth step after set R's kinds were built and before any run of it, and run
    once on that engine with no change after: kinds no set asked (a percentile of a log's durations, the group
    with the most different members, a total over JSON lines' nested item lists, the longest run of failures in a
    log, prose facts counted by a numeric condition, rows whose name holds a word, the functions that raise an
    exception, the month of the largest rise over the month before)."""
    rng = random.Random(18000 + seed)
    base = reference_text()
    out = []
    durations = [rng.randint(20, 400) for _ in range(1000)]
    durations.sort()
    pinned = rng.randint(650, 900)  # ranks 930-969 hold one value, so every percentile method gives it
    durations = durations[:930] + [pinned] * 40 + [rng.randint(pinned + 1, 3000) for _ in range(30)]
    rng.shuffle(durations)
    at = datetime.datetime(2025, 9, 2, 8, 0, 0)
    access = []
    for ms in durations:
        at += datetime.timedelta(seconds=rng.randint(1, 20))
        access.append(f"{at.isoformat()}Z {rng.choice(['GET', 'POST'])} /api/{rng.choice(['items', 'cart', 'users'])} "
                      f"{rng.choice([200, 200, 200, 201, 404])} duration={ms}ms")
    out.append({"kind": "log-percentile", "set": "S", "context": "\n".join(access), "gold": pinned,
                "question": "What was the 95th percentile of request duration, in milliseconds?"})
    regions = ["North", "South", "East", "West"]
    members = {region: [f"{region[0]}{k:03d}" for k in range(n)]
               for region, n in zip(regions, rng.sample([14, 22, 31, 40], 4))}
    heavy = min(members, key=lambda r: len(members[r]))  # the fewest customers place the most orders
    orders, per_region = ["order_id,customer,region,amount"], Counter()
    for i in range(1400):
        region = heavy if rng.random() < 0.4 else rng.choice(regions)
        orders.append(f"O-{i},{rng.choice(members[region])},{region},{round(rng.uniform(5, 300), 2)}")
        per_region[region] += 1
    distinct = {r: len({row.split(',')[1] for row in orders[1:] if row.split(',')[2] == r}) for r in regions}
    out.append({"kind": "most-distinct-per-group", "set": "S", "context": "\n".join(orders),
                "gold": max(distinct, key=distinct.get), "exclude": [r for r in regions if r != max(distinct, key=distinct.get)],
                "question": "Which region has the most different customers?"})
    baskets, units = [], 0
    for i in range(700):
        items = [{"sku": f"SKU-{rng.randint(100, 999)}", "qty": rng.randint(1, 6), "price": round(rng.uniform(1, 80), 2)}
                 for _ in range(rng.randint(1, 4))]
        units += sum(item["qty"] for item in items)
        baskets.append(json.dumps({"order": f"B-{i}", "customer": f"C{rng.randint(1, 200)}", "items": items}))
    out.append({"kind": "nested-items-total", "set": "S", "context": "\n".join(baskets), "gold": units,
                "question": "How many units were ordered in total across all orders?"})
    at, checks, run, longest = datetime.datetime(2025, 10, 1, 0, 0), [], 0, 0
    streak_at = rng.randint(400, 1500)
    for i in range(1800):
        at += datetime.timedelta(seconds=30)
        failed = rng.random() < 0.07 or streak_at <= i < streak_at + rng.choice([6, 7, 8])
        run = run + 1 if failed else 0
        longest = max(longest, run)
        checks.append(f"{at.isoformat(sep=' ')} healthcheck " + ("FAILED target=db timeout" if failed else f"ok target=db {rng.randint(2, 40)}ms"))
    out.append({"kind": "log-longest-failure-run", "set": "S", "context": "\n".join(checks), "gold": longest,
                "question": "What was the longest run of consecutive failed health checks?"})
    heights = rng.sample(range(1800, 4400, 50), 9)
    heights = [h + 10 if h == 3000 else h for h in heights]
    journal = plant(base, [f"On day {k + 2} the expedition pitched camp {k + 1} at {h} metres." for k, h in enumerate(heights)], rng)
    out.append({"kind": "prose-count-above", "set": "S", "context": journal, "gold": sum(h > 3000 for h in heights),
                "question": "How many of the expedition's camps were pitched above 3000 metres?"})
    materials = ["Steel", "Oak", "Brass", "Stainless steel", "Pine", "Aluminium", "Galvanised steel"]
    things = ["bracket", "hinge", "shelf", "hook", "rail", "clamp", "handle"]
    products, steel = ["sku,name,price"], 0
    for i in range(380):
        name = f"{rng.choice(materials)} {rng.choice(things)}"
        products.append(f"P-{1000 + i},{name},{round(rng.uniform(2, 120), 2)}")
        steel += "steel" in name.lower()
    out.append({"kind": "name-contains-count", "set": "S", "context": "\n".join(products), "gold": steel,
                "question": "How many products have 'steel' in their name?"})
    verbs = ["parse", "load", "check", "build", "read", "scale", "merge", "split", "render", "encode", "fetch", "clean"]
    nouns = ["port", "ratio", "header", "config", "token", "frame", "record", "range", "matrix", "entry"]
    names = [f"{v}_{n}" for v, n in zip(rng.sample(verbs, 10), rng.sample(nouns, 10))]
    errors = rng.sample(["ValueError"] * 4 + ["TypeError", "KeyError", "RuntimeError"] + [None] * 3, 10)
    files = {}
    for k, (name, error) in enumerate(zip(names, errors)):
        guard = f"    if not value:\n        raise {error}(f'bad {name.split(chr(95))[1]}: {{value!r}}')\n" if error else ""
        body = f"def {name}(value):\n    \"\"\"{name.replace('_', ' ').capitalize()}.\"\"\"\n{guard}    return value\n"
        files.setdefault(f"tools/{['io', 'core', 'util', 'fmt'][k % 4]}.py", []).append(body)
    files = {path: "\n\n".join(bodies) for path, bodies in files.items()}
    out.append({"kind": "functions-raising", "set": "S", "context": files,
                "gold": [n for n, e in zip(names, errors) if e == "ValueError"],
                "exclude": [n for n, e in zip(names, errors) if e != "ValueError"],
                "question": "Which functions raise ValueError?"})
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    visitors = [rng.randint(8000, 12000)]
    for _ in range(11):
        visitors.append(visitors[-1] + rng.randint(-1500, 1500))
    rise = rng.randint(1, 11)
    visitors[rise:] = [v + 2600 for v in visitors[rise:]]
    table = ["| Month | Visitors |", "|---|---|"] + [f"| {m} 2024 | {v} |" for m, v in zip(months, visitors)]
    rises = [visitors[k] - visitors[k - 1] for k in range(1, 12)]
    report = base[:15000] + "\n\n## Museum visitors\n\n" + "\n".join(table) + "\n\n" + base[15000:30000]
    out.append({"kind": "largest-rise", "set": "S", "context": report, "gold": months[1 + rises.index(max(rises))],
                "question": "In which month did the number of visitors rise the most over the month before?"})
    return out


def set_t(seed: int) -> list[dict]:
    """Set T, written in the twenty-eighth step after set S's kinds were built and before any run of it, and run
    once on that engine with no change after: kinds no set asked (values of a column by how many rows they have,
    the range of a column, the time from a log's event to the first error after it, rows whose list holds more
    than n items, functions without a docstring, rows per value of a column on average, a share within a group,
    who prose says came last)."""
    rng = random.Random(19000 + seed)
    base = reference_text()
    out = []
    orders, per_customer = ["order_id,customer,city,amount"], Counter()
    for i in range(900):
        customer = f"C{int(rng.paretovariate(1.2)) % 160:03d}"
        city = rng.choice(["Oslo", "Lima", "Pune"])
        amount = round(rng.uniform(5, 250), 2)
        orders.append(f"O-{i},{customer},{city},{amount}")
        per_customer[customer] += 1
    out.append({"kind": "groups-with-more-rows", "set": "T", "context": "\n".join(orders),
                "gold": sum(n > 5 for n in per_customer.values()),
                "question": "How many customers placed more than 5 orders?"})
    out.append({"kind": "rows-per-value", "set": "T", "context": "\n".join(orders),
                "gold": round((len(orders) - 1) / len(per_customer), 2),
                "question": "What is the average number of orders per customer?"})
    oslo = [float(row.split(",")[3]) for row in orders[1:] if row.split(",")[2] == "Oslo"]
    out.append({"kind": "share-within-group", "set": "T", "context": "\n".join(orders),
                "gold": round(100 * sum(a > 100 for a in oslo) / len(oslo), 2),
                "question": "What percentage of the orders from Oslo were above 100?"})
    prices = [round(rng.uniform(3, 900), 2) for _ in range(420)]
    products = ["sku,name,price"] + [f"K-{i},{rng.choice(['lamp', 'desk', 'chair', 'shelf'])} {i},{p}" for i, p in enumerate(prices)]
    out.append({"kind": "column-range", "set": "T", "context": "\n".join(products), "gold": round(max(prices) - min(prices), 2),
                "question": "What is the difference between the highest and the lowest price?"})
    at, lines = datetime.datetime(2025, 11, 3, 9, 0, 0), []
    started, first_error = None, None
    deploy_at = rng.randint(500, 1200)
    for i in range(2000):
        at += datetime.timedelta(seconds=rng.randint(1, 9))
        if i == deploy_at:
            lines.append(f"{at.isoformat(sep=' ')} INFO deployer deployment of v9.1 started")
            started = at
            continue
        error = rng.random() < 0.01 and (started is None or i > deploy_at + 40)
        if error and started is not None and first_error is None:
            first_error = at
        lines.append(f"{at.isoformat(sep=' ')} {'ERROR' if error else 'INFO'} api handled request id={i}"
                     + (" failed with 502" if error else ""))
    out.append({"kind": "log-seconds-to-first-error", "set": "T", "context": "\n".join(lines),
                "gold": int((first_error - started).total_seconds()),
                "question": "How many seconds after the deployment of v9.1 started was the first ERROR logged?"})
    users = []
    for i in range(300):
        users.append({"user": f"u{i:03d}", "roles": rng.sample(["admin", "editor", "viewer", "billing", "support"], rng.choice([1, 1, 2, 2, 3, 4]))})
    out.append({"kind": "list-longer-than", "set": "T", "context": json.dumps(users, indent=1),
                "gold": sum(len(u["roles"]) > 2 for u in users), "question": "How many users have more than two roles?"})
    files, bare = {}, []
    for m in range(6):
        bodies = []
        for k in range(rng.randint(2, 4)):
            name = f"{rng.choice(['load', 'save', 'sync', 'scan', 'trim', 'pack'])}_{rng.choice(['queue', 'cache', 'index', 'blob'])}_{m}{k}"
            documented = rng.random() < 0.75
            bare += [] if documented else [name]
            doc = f'    """{name.replace("_", " ").capitalize()}."""\n' if documented else "    # no docstring here\n"
            bodies.append(f"def {name}(item):\n{doc}    return item\n")
        files[f"svc/mod{m}.py"] = "\n\n".join(bodies)
    out.append({"kind": "functions-without-docstring", "set": "T", "context": files, "gold": bare,
                "exclude": [n for text in files.values() for n in re.findall(r"def (\w+)", text) if n not in bare],
                "question": "Which functions have no docstring?"})
    crew = rng.sample(["Mira Holt", "Anders Vik", "Tomas Reyes", "Ilse Brandt", "Kofi Mensah", "Nadia Farouk"], 6)
    days = rng.sample(range(1, 28), 6)
    journal = plant(base, [f"{name} joined the expedition on {day} March 1911." for name, day in zip(crew, days)], rng)
    out.append({"kind": "prose-last-to-join", "set": "T", "context": journal, "gold": crew[days.index(max(days))],
                "exclude": [c for c in crew if c != crew[days.index(max(days))]],
                "question": "Which crew member joined the expedition last?"})
    return out


def set_u(seed: int) -> list[dict]:
    """Set U, written in the twenty-eighth step after set T's kinds were built and before any run of it, and run
    once on that engine with no change after: kinds no set asked (a log's busiest minute counted, the total of the n
    largest rows, the day a running total passes a bound, the row of the largest sum across columns, the user of
    the most different addresses in a log, rows whose two columns agree, the average days between two date
    columns, the officer prose mentions most)."""
    rng = random.Random(20000 + seed)
    base = reference_text()
    out = []
    at, lines, per_minute = datetime.datetime(2025, 12, 1, 14, 0, 0), [], Counter()
    for i in range(3000):
        at += datetime.timedelta(seconds=rng.choice([1, 1, 2, 3, 5, 8]) if not 1200 <= i < 1300 else rng.choice([0, 0, 1]))
        lines.append(f"{at.isoformat()}Z GET /api/{rng.choice(['feed', 'user', 'cart'])} 200 {rng.randint(3, 300)}ms")
        per_minute[at.strftime("%H:%M")] += 1
    out.append({"kind": "busiest-minute-count", "set": "U", "context": "\n".join(lines), "gold": max(per_minute.values()),
                "question": "What was the largest number of requests logged in a single minute?"})
    orders, amounts = ["order_id,ordered_on,amount"], []
    day = datetime.date(2024, 2, 1)
    for i in range(700):
        day += datetime.timedelta(days=rng.random() < 0.3)
        amount = round(rng.uniform(5, 400), 2)
        orders.append(f"O-{i},{day.isoformat()},{amount}")
        amounts.append((day, amount))
    out.append({"kind": "top-n-total", "set": "U", "context": "\n".join(orders),
                "gold": round(sum(sorted((a for _, a in amounts), reverse=True)[:5]), 2),
                "question": "What is the total amount of the five largest orders?"})
    running, passed = 0.0, None
    for day, amount in amounts:
        running += amount
        if passed is None and running > 20000:
            passed = day.isoformat()
    out.append({"kind": "running-total-passes", "set": "U", "context": "\n".join(orders), "gold": passed,
                "question": "On which date did the running total of the order amounts first exceed 20000?"})
    regions = ["North", "South", "East", "West", "Central", "Coast", "Highlands", "Islands", "Valley", "Lakes"]
    rows, totals = ["| Region | Q1 | Q2 | Q3 | Q4 |", "|---|---|---|---|---|"], {}
    for region in regions:
        quarters = [rng.randint(200, 900) for _ in range(4)]
        totals[region] = sum(quarters)
        rows.append(f"| {region} | " + " | ".join(map(str, quarters)) + " |")
    report = base[:12000] + "\n\n## Sales by region\n\n" + "\n".join(rows) + "\n\n" + base[12000:25000]
    out.append({"kind": "row-sum-most", "set": "U", "context": report, "gold": max(totals, key=totals.get),
                "exclude": [r for r in regions if r != max(totals, key=totals.get)],
                "question": "Which region had the largest total over all four quarters?"})
    at, logins, addresses = datetime.datetime(2025, 6, 1, 0, 0), [], {}
    users = ["ana", "bo", "cy", "dee", "eli", "fay", "gus"]
    for i in range(1500):
        at += datetime.timedelta(minutes=rng.randint(1, 30))
        user = rng.choice(users)
        spread = {"ana": 3, "bo": 12, "cy": 5, "dee": 7, "eli": 2, "fay": 9, "gus": 4}[user] + seed
        address = f"10.{users.index(user)}.0.{rng.randint(1, spread)}"
        logins.append(f"{at.isoformat(sep=' ')} sshd: Accepted password for {user} from {address} port 22")
        addresses.setdefault(user, set()).add(address)
    out.append({"kind": "log-most-distinct-per-user", "set": "U", "context": "\n".join(logins),
                "gold": max(addresses, key=lambda u: len(addresses[u])),
                "exclude": [u for u in users if u != max(addresses, key=lambda u: len(addresses[u]))],
                "question": "Which user logged in from the most different IP addresses?"})
    cities = ["Oslo", "Lima", "Pune", "Cork"]
    shipped, same = ["order_id,billing_city,shipping_city"], 0
    for i in range(500):
        billing = rng.choice(cities)
        shipping = billing if rng.random() < 0.55 else rng.choice(cities)
        shipped.append(f"S-{i},{billing},{shipping}")
        same += billing == shipping
    out.append({"kind": "two-columns-agree", "set": "U", "context": "\n".join(shipped), "gold": same,
                "question": "How many orders were shipped to the same city they were billed to?"})
    deliveries, gaps = ["order_id,ordered_on,delivered_on"], []
    for i in range(400):
        ordered = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
        gap = rng.randint(1, 14)
        deliveries.append(f"D-{i},{ordered.isoformat()},{(ordered + datetime.timedelta(days=gap)).isoformat()}")
        gaps.append(gap)
    out.append({"kind": "days-between-columns", "set": "U", "context": "\n".join(deliveries),
                "gold": round(sum(gaps) / len(gaps), 2),
                "question": "On average, how many days passed between an order being placed and its delivery?"})
    officers = rng.sample(["Hale", "Okoro", "Lindqvist", "Duarte"], 4)
    counts = rng.sample([3, 5, 8, 11], 4)
    said = [f"First Officer {name} {rng.choice(['checked the rigging', 'logged the wind', 'spoke to the cook', 'took the watch'])}."
            for name, n in zip(officers, counts) for _ in range(n)]
    journal = plant(base, said, rng)
    out.append({"kind": "prose-most-mentioned", "set": "U", "context": journal, "gold": officers[counts.index(max(counts))],
                "exclude": [o for o in officers if o != officers[counts.index(max(counts))]],
                "question": "Which officer does the text mention most often?"})
    return out


def set_v(seed: int) -> list[dict]:
    """Set V, written in the twenty-eighth step after set U's kinds were built and before any run of it, and run
    once on that engine with no change after: kinds no set asked (the commonest value of a number column, a log's
    lines per hour on average, the orders whose item list holds a value, a part's share of a column's total,
    functions over a number of parameters, the endpoint of the highest error rate, lines holding two words, the
    month of the highest average)."""
    rng = random.Random(21000 + seed)
    base = reference_text()
    out = []
    quantities = [rng.choice([1, 1, 2, 2, 2, 3, 4, 5, 6, 10, 12]) for _ in range(600)]
    quantities += [rng.choice([3, 4]) for _ in range(60)]
    rng.shuffle(quantities)
    sales = ["sale_id,product,quantity,price"] + [f"T-{i},{rng.choice(['pen', 'pad', 'ink', 'clip'])},{q},{round(rng.uniform(1, 9), 2)}"
                                                  for i, q in enumerate(quantities)]
    counted = Counter(quantities)
    out.append({"kind": "commonest-number", "set": "V", "context": "\n".join(sales), "gold": counted.most_common(1)[0][0],
                "question": "What is the most common quantity sold?"})
    at, lines = datetime.datetime(2025, 4, 2, 6, 0, 0), []
    while len(lines) < 2400:
        at += datetime.timedelta(seconds=rng.randint(5, 40))
        lines.append(f"{at.isoformat()}Z INFO gateway request path=/v1/{rng.choice(['a', 'b', 'c'])} status=200")
    first, last = lines[0][:13], lines[-1][:13]
    hours = (datetime.datetime.fromisoformat(last) - datetime.datetime.fromisoformat(first)).total_seconds() // 3600 + 1
    out.append({"kind": "log-per-hour-average", "set": "V", "context": "\n".join(lines), "gold": round(len(lines) / hours, 2),
                "question": "On average, how many requests were logged per hour?"})
    baskets, holding = [], 0
    for i in range(500):
        skus = rng.sample([f"SKU-{k}" for k in range(100, 140)], rng.randint(1, 4))
        holding += "SKU-123" in skus
        baskets.append(json.dumps({"order": f"B-{i}", "items": [{"sku": sku, "qty": rng.randint(1, 3)} for sku in skus]}))
    out.append({"kind": "orders-holding-item", "set": "V", "context": "\n".join(baskets), "gold": holding,
                "question": "How many orders contain an item with SKU SKU-123?"})
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    visitors = [rng.randint(5000, 15000) for _ in months]
    table = ["| Month | Visitors |", "|---|---|"] + [f"| {m} | {v} |" for m, v in zip(months, visitors)]
    report = base[:9000] + "\n\n## Visitors in 2024\n\n" + "\n".join(table) + "\n\n" + base[9000:20000]
    out.append({"kind": "share-of-total", "set": "V", "context": report, "gold": round(100 * visitors[6] / sum(visitors), 2),
                "question": "What percentage of the year's visitors came in July?"})
    files, many = {}, 0
    for m in range(8):
        defs = []
        for k in range(rng.randint(2, 5)):
            n = rng.randint(0, 6)
            many += n > 3
            defs.append(f"def op_{m}_{k}({', '.join(f'a{j}' for j in range(n))}):\n    return None\n")
        files[f"ops/part{m}.py"] = "\n\n".join(defs)
    out.append({"kind": "functions-over-parameters", "set": "V", "context": files, "gold": many,
                "question": "How many functions take more than three parameters?"})
    rates, access = {"/api/search": 0.02, "/api/cart": 0.09, "/api/login": 0.05, "/api/feed": 0.03}, []
    at, errors, totals = datetime.datetime(2025, 5, 9, 0, 0), Counter(), Counter()
    for i in range(4000):
        at += datetime.timedelta(seconds=rng.randint(1, 12))
        path = rng.choices(list(rates), [50, 10, 25, 40])[0]
        status = 500 if rng.random() < rates[path] else 200
        totals[path] += 1
        errors[path] += status == 500
        access.append(f"{at.isoformat()}Z GET {path} {status} {rng.randint(5, 900)}ms")
    worst = max(totals, key=lambda p: errors[p] / totals[p])
    out.append({"kind": "highest-error-rate", "set": "V", "context": "\n".join(access), "gold": worst,
                "exclude": [p for p in rates if p != worst],
                "question": "Which endpoint has the highest error rate?"})
    notes, both = [], 0
    for i in range(1500):
        words = rng.sample(["timeout", "retry", "cache", "queue", "disk", "socket"], rng.randint(1, 3))
        both += "timeout" in words and "retry" in words
        notes.append(f"note {i}: checked {' and '.join(words)} settings")
    out.append({"kind": "lines-with-both", "set": "V", "context": "\n".join(notes), "gold": both,
                "question": "How many lines mention both timeout and retry?"})
    readings, per_month = ["day,temperature"], {}
    for d in range(365):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=d)
        temp = round(8 + 10 * math.sin((d - 100) / 365 * 2 * math.pi) + rng.uniform(-4, 4), 1)
        readings.append(f"{day.isoformat()},{temp}")
        per_month.setdefault(day.month, []).append(temp)
    warmest = max(per_month, key=lambda m: sum(per_month[m]) / len(per_month[m]))
    out.append({"kind": "month-highest-average", "set": "V", "context": "\n".join(readings), "gold": months[warmest - 1],
                "exclude": [m for m in months if m != months[warmest - 1]],
                "question": "Which month had the highest average temperature?"})
    return out


def set_w(seed: int) -> list[dict]:
    """Set W, written in the twenty-eighth step after set V's kinds were built and before any run of it, and run
    once on that engine at the end of the step, with no change after: kinds no set asked (the value of one row
    against another's, a count per weekday listed, a log's first and last line of a name apart, a total in a
    currency written in prose, the item missing from a numbered sequence, a column's value the most rows share
    with another, a class's subclasses counted, a sum over a YAML list)."""
    rng = random.Random(22000 + seed)
    base = reference_text()
    out = []
    towns, sizes = ["town,population"], {}
    for i in range(40):
        sizes[f"Town {i}"] = rng.randint(2000, 90000)
        towns.append(f"Town {i},{sizes[f'Town {i}']}")
    a, b = sorted(rng.sample(list(sizes), 2), key=sizes.get, reverse=True)
    out.append({"kind": "row-ratio", "set": "W", "context": "\n".join(towns), "gold": round(sizes[a] / sizes[b], 2),
                "question": f"How many times larger is the population of {a} than that of {b}?"})
    at, lines, per_user = datetime.datetime(2025, 2, 3, 8, 0), [], {}
    for i in range(1200):
        at += datetime.timedelta(minutes=rng.randint(1, 25))
        user = rng.choice(["kim", "lee", "max", "ola"])
        lines.append(f"{at.isoformat(sep=' ')} session opened for {user}")
        per_user.setdefault(user, []).append(at)
    who = rng.choice(list(per_user))
    days = (per_user[who][-1].date() - per_user[who][0].date()).days
    out.append({"kind": "days-first-to-last", "set": "W", "context": "\n".join(lines), "gold": days,
                "question": f"How many days passed between {who}'s first and last session?"})
    spent = [rng.randint(20, 400) for _ in range(9)]
    journal = plant(base, [f"On day {k + 1} the quartermaster paid {n} crowns for supplies." for k, n in enumerate(spent)], rng)
    out.append({"kind": "prose-currency-total", "set": "W", "context": journal, "gold": sum(spent),
                "question": "How many crowns did the quartermaster pay in total?"})
    missing = rng.randint(20, 180)
    tickets = "\n".join(f"TICKET-{k:04d} resolved by {rng.choice(['ana', 'bo', 'cy'])}" for k in range(1, 201) if k != missing)
    out.append({"kind": "missing-in-sequence", "set": "W", "context": tickets, "gold": f"TICKET-{missing:04d}",
                "question": "Which ticket number is missing from the sequence?"})
    files, subclasses = {}, 0
    for m in range(6):
        classes = []
        for k in range(rng.randint(2, 4)):
            base_class = rng.choice(["Handler", "object", "Handler", "Widget"])
            subclasses += base_class == "Handler"
            classes.append(f"class C{m}{k}({base_class}):\n    pass\n")
        files[f"app/part{m}.py"] = "from .core import Handler, Widget\n\n\n" + "\n\n".join(classes)
    files["app/core.py"] = "class Handler:\n    pass\n\n\nclass Widget:\n    pass\n"
    out.append({"kind": "subclass-count", "set": "W", "context": files, "gold": subclasses,
                "question": "How many classes inherit from Handler?"})
    services, total = [], 0
    for i in range(40):
        ports = [rng.randint(1000, 9999) for _ in range(rng.randint(1, 3))]
        memory = rng.choice([256, 512, 1024])
        total += memory
        services.append(f"svc-{i:02d}:\n  memory_mb: {memory}\n  ports: [{', '.join(map(str, ports))}]")
    out.append({"kind": "yaml-sum", "set": "W", "context": "\n".join(services), "gold": total,
                "question": "How much memory, in MB, do all the services need together?"})
    orders, weekday = ["order_id,placed_on"], Counter()
    for i in range(700):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        orders.append(f"O-{i},{day.isoformat()}")
        weekday[day.strftime("%A")] += 1
    out.append({"kind": "fewest-weekday", "set": "W", "context": "\n".join(orders), "gold": min(weekday, key=weekday.get),
                "exclude": [d for d in weekday if d != min(weekday, key=weekday.get)],
                "question": "On which day of the week were the fewest orders placed?"})
    staff, pairs = ["name,department,manager"], Counter()
    managers, weights = ["Ada", "Bo", "Cy", "Di", "Ed"], rng.sample([30, 24, 19, 15, 12], 5)
    for i in range(120):
        manager = rng.choices(managers, weights)[0]
        staff.append(f"P{i},{['Sales', 'Ops', 'Legal'][managers.index(manager) % 3]},{manager}")
        pairs[manager] += 1
    out.append({"kind": "manager-most-reports", "set": "W", "context": "\n".join(staff), "gold": max(pairs, key=pairs.get),
                "exclude": [m for m in pairs if m != max(pairs, key=pairs.get)],
                "question": "Which manager has the most people reporting to them?"})
    return out


def set_x(seed: int) -> list[dict]:
    """Set X, written in the twenty-ninth step before any run of it, and run once on the engine of its start
    (c3817a4) with no change after: kinds no set asked (a column's average over names of a prefix, rows above
    their own group's average, the largest rise between two year columns, empty cells counted, the second
    highest score, the longest gap between a log's lines, a prose list's different places counted, functions
    defined inside functions)."""
    rng = random.Random(23000 + seed)
    base = reference_text()
    out = []
    names = ["Anchor", "Basket", "Beacon", "Bellows", "Bolt", "Bracket", "Cable", "Clamp", "Crate", "Dowel", "Funnel",
             "Gasket", "Hinge", "Ladle", "Lantern", "Mallet", "Rivet", "Shovel", "Spindle", "Tongs", "Trowel", "Valve"]
    products, prices = ["sku,name,price"], {}
    for i, name in enumerate(names):
        prices[name] = round(rng.uniform(2, 90), 2)
        products.append(f"SKU-{300 + i},{name},{prices[name]}")
    b_prices = [v for k, v in prices.items() if k.startswith("B")]
    out.append({"kind": "name-prefix-average", "set": "X", "context": "\n".join(products),
                "gold": round(sum(b_prices) / len(b_prices), 2),
                "question": "What is the average price of the products whose name starts with the letter B?"})
    staff, salaries = ["name,department,salary"], {}
    for i in range(90):
        department = rng.choice(["Finance", "Support", "Research", "Logistics"])
        salary = rng.randrange(38000, 96000, 500)
        staff.append(f"E{i:03d},{department},{salary}")
        salaries.setdefault(department, []).append(salary)
    above = sum(s > sum(v) / len(v) for v in salaries.values() for s in v)
    out.append({"kind": "above-group-average", "set": "X", "context": "\n".join(staff), "gold": above,
                "question": "How many employees earn more than the average salary of their own department?"})
    yearly, rises = ["product,price_2023,price_2024"], {}
    for name in names[:16]:
        old = round(rng.uniform(5, 60), 2)
        new = round(old * rng.uniform(0.85, 1.4), 2)
        yearly.append(f"{name},{old},{new}")
        rises[name] = new - old
    top = max(rises, key=rises.get)
    out.append({"kind": "largest-rise-between-columns", "set": "X", "context": "\n".join(yearly), "gold": top,
                "exclude": [k for k in rises if k != top],
                "question": "Which product's price rose the most from 2023 to 2024?"})
    people, empty = ["id,name,email,phone"], 0
    for i in range(150):
        has_email = rng.random() > 0.2
        empty += not has_email
        email = f"user{i}@example.org" if has_email else ""
        people.append(f"{i},Person {i},{email},+47 {rng.randrange(10000000, 99999999)}")
    out.append({"kind": "empty-cells", "set": "X", "context": "\n".join(people), "gold": empty,
                "question": "How many customers have no email address?"})
    players = ["ada", "bram", "cleo", "dmitri", "eun", "farah", "gus", "hana", "ivo", "jun", "kaia", "lior"]
    scores = dict(zip(players, rng.sample(range(400, 990), len(players))))
    ranked = sorted(scores, key=scores.get, reverse=True)
    out.append({"kind": "second-highest", "set": "X", "gold": ranked[1], "exclude": [ranked[0]],
                "context": "\n".join(json.dumps({"player": p, "score": scores[p], "games": rng.randint(3, 40)}) for p in players),
                "question": "Which player has the second highest score?"})
    at, lines, gaps = datetime.datetime(2025, 5, 6, 0, 0), [], []
    for i in range(900):
        step = rng.randint(1, 40) if rng.random() > 0.01 else rng.randint(60, 200)
        at += datetime.timedelta(minutes=step)
        gaps.append(step)
        lines.append(f"{at.isoformat(sep=' ')} INFO worker-{rng.randrange(4)} heartbeat ok")
    out.append({"kind": "longest-gap", "set": "X", "context": "\n".join(lines), "gold": max(gaps[1:]),
                "question": "What was the longest gap, in minutes, between two consecutive log lines?"})
    ports = ["Valletta", "Tangier", "Genoa", "Piraeus", "Split", "Marseille", "Naples", "Izmir", "Palermo", "Bari"]
    visits = [rng.choice(ports[:rng.randint(5, 9)]) for _ in range(12)]
    voyage = plant(base, [f"On day {k + 1} of the voyage the brig Albatross put in at {p}." for k, p in enumerate(visits)], rng)
    out.append({"kind": "prose-distinct-count", "set": "X", "context": voyage, "gold": len(set(visits)),
                "question": "How many different ports did the Albatross put in at?"})
    files, nested = {}, 0
    for m in range(5):
        parts = []
        for k in range(rng.randint(2, 4)):
            inner = rng.randint(0, 2)
            nested += inner
            body = "".join(f"    def helper{j}(x):\n        return x + {j}\n\n" for j in range(inner))
            parts.append(f"def task{m}{k}(value):\n{body}    return value\n")
        files[f"jobs/mod{m}.py"] = "\n\n".join(parts)
    out.append({"kind": "nested-functions", "set": "X", "context": files, "gold": nested,
                "question": "How many functions are defined inside another function?"})
    return out


def set_y(seed: int) -> list[dict]:
    """Set Y, written in the twenty-ninth step after the root was given a table's, a log's or a tree's rows to write
    its own code over, and before any run of it; run once on that step's last engine with no change after: kinds no
    set asked (amounts of no cents, the median gap between consecutive dates, rows between a median and a bound,
    the orders of a month's last day, minutes from a login to the next logout, different users a day on average,
    functions that call themselves, the day prose gives its highest measurement)."""
    rng = random.Random(24000 + seed)
    base = reference_text()
    out = []
    orders, whole, days, month_end = ["order_id,placed_on,amount"], 0, [], 0.0
    for i in range(500):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 365))
        amount = float(rng.randint(5, 400)) if rng.random() < 0.15 else round(rng.uniform(5, 400), 2)
        whole += amount == int(amount)
        days.append(day)
        month_end += amount if (day + datetime.timedelta(days=1)).month != day.month else 0
        orders.append(f"Y-{i},{day.isoformat()},{amount:.2f}")
    table = "\n".join(orders)
    out.append({"kind": "whole-amounts", "set": "Y", "context": table, "gold": whole,
                "question": "How many orders have an amount that is a whole number, with no cents?"})
    out.append({"kind": "month-end-total", "set": "Y", "context": table, "gold": round(month_end, 2),
                "question": "What is the total amount of the orders placed on the last day of a month?"})
    shipments, at = ["shipment,sent_on"], datetime.date(2024, 2, 1)
    gaps = []
    for i in range(60):
        step = rng.randint(1, 9)
        at += datetime.timedelta(days=step)
        gaps.append(step)
        shipments.append(f"SH-{i:03d},{at.isoformat()}")
    out.append({"kind": "median-gap-days", "set": "Y", "context": "\n".join(shipments),
                "gold": statistics.median(gaps[1:]),
                "question": "What is the median number of days between consecutive shipments?"})
    staff, salaries = ["name,team,salary"], []
    for i in range(80):
        salary = rng.randrange(40000, 110000, 500)
        salaries.append(salary)
        staff.append(f"S{i:02d},{rng.choice(['Ops', 'Web', 'Data'])},{salary}")
    middle = statistics.median(salaries)
    out.append({"kind": "between-median-and-bound", "set": "Y", "context": "\n".join(staff),
                "gold": sum(middle < s < 80000 for s in salaries),
                "question": "How many employees earn more than the median salary but less than 80000?"})
    at, lines, opened, minutes = datetime.datetime(2025, 3, 3, 8, 0), [], {}, []
    for i in range(600):
        at += datetime.timedelta(minutes=rng.randint(1, 12))
        user = rng.choice(["ana", "bo", "cy", "dee", "eli"])
        if user in opened:
            minutes.append((at - opened.pop(user)).total_seconds() / 60)
            lines.append(f"{at.isoformat(sep=' ')} logout user={user}")
        else:
            opened[user] = at
            lines.append(f"{at.isoformat(sep=' ')} login user={user}")
    out.append({"kind": "login-to-logout-minutes", "set": "Y", "context": "\n".join(lines),
                "gold": round(sum(minutes) / len(minutes), 2),
                "question": "On average, how many minutes passed between a user's login and their next logout?"})
    at, lines, per_day = datetime.datetime(2025, 4, 1, 0, 0), [], {}
    for i in range(1500):
        at += datetime.timedelta(minutes=rng.randint(5, 40))
        user = f"user{rng.randint(1, 40)}"
        lines.append(f"{at.isoformat(sep=' ')} INFO login ok user={user}")
        per_day.setdefault(at.date(), set()).add(user)
    out.append({"kind": "distinct-users-per-day", "set": "Y", "context": "\n".join(lines),
                "gold": round(sum(len(v) for v in per_day.values()) / len(per_day), 2),
                "question": "On average, how many different users logged in per day?"})
    files, recursive = {}, 0
    for m in range(5):
        parts = []
        for k in range(rng.randint(3, 5)):
            name = f"walk{m}{k}"
            if rng.random() < 0.4:
                recursive += 1
                parts.append(f"def {name}(node):\n    if not node:\n        return 0\n    return 1 + {name}(node[1:])\n")
            else:
                parts.append(f"def {name}(node):\n    return len(node)\n")
        files[f"tree/m{m}.py"] = "\n\n".join(parts)
    out.append({"kind": "recursive-functions", "set": "Y", "context": files, "gold": recursive,
                "question": "How many functions call themselves?"})
    heights = rng.sample(range(1200, 5200, 10), 9)
    climb = plant(base, [f"On day {k + 1} the expedition made camp at {h} metres." for k, h in enumerate(heights)], rng)
    out.append({"kind": "prose-day-of-highest", "set": "Y", "context": climb, "gold": heights.index(max(heights)) + 1,
                "question": "On which day did the expedition make its highest camp?"})
    return out


def set_z(seed: int) -> list[dict]:
    """Set Z, written in the thirtieth step before any run of it and before any change of that step, and run once
    on the engine of its start (5f2b2ac): kinds no set asked (products out of stock in any warehouse, the share of
    sessions with a purchase, customers who ordered in every month, days of a log with no error, the file that
    imports the most modules, the class with the most methods, the year of a second rebuilding in prose, the team
    closest to a markdown table's average)."""
    rng = random.Random(25000 + seed)
    base = reference_text()
    out = []
    stock, empty = ["product,warehouse,qty"], set()
    for p in range(40):
        for w in ["North", "South", "East"]:
            qty = 0 if rng.random() < 0.08 else rng.randint(1, 300)
            empty |= {p} if qty == 0 else set()
            stock.append(f"P-{p:03d},{w},{qty}")
    out.append({"kind": "out-of-stock-anywhere", "set": "Z", "context": "\n".join(stock), "gold": len(empty),
                "question": "How many products have zero stock in at least one warehouse?"})
    events, bought = [], set()
    for s in range(120):
        for e in ["view"] * rng.randint(1, 4) + (["cart"] if rng.random() < 0.5 else []):
            events.append({"session": f"s{s:03d}", "event": e})
        if events[-1]["event"] == "cart" and rng.random() < 0.6:
            events.append({"session": f"s{s:03d}", "event": "purchase"})
            bought.add(s)
    out.append({"kind": "sessions-with-purchase-percent", "set": "Z", "context": "\n".join(json.dumps(e) for e in events),
                "gold": round(100 * len(bought) / 120, 2),
                "question": "What percentage of sessions include a purchase event?"})
    customers = ["Abbott", "Barros", "Chen", "Dalton", "Ekwueme", "Fischer", "Gupta", "Haddad"]
    while True:
        orders, months = ["customer,ordered_on,amount"], {c: set() for c in customers}
        for i in range(260):
            day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 181))
            who = rng.choice(customers)
            months[who].add(day.month)
            orders.append(f"{who},{day.isoformat()},{rng.randint(10, 900)}")
        every = [c for c in customers if months[c] == set(range(1, 7))]
        if 1 <= len(every) <= 4:
            break
    out.append({"kind": "customers-every-month", "set": "Z", "context": "\n".join(orders), "gold": every,
                "exclude": [c for c in customers if c not in every],
                "question": "Which customers placed an order in every month from January to June 2024?"})
    while True:
        at, lines, error_days = datetime.datetime(2025, 6, 2, 0, 0), [], set()
        for i in range(1400):
            at += datetime.timedelta(minutes=rng.randint(10, 50))
            level = rng.choices(["INFO", "WARN", "ERROR"], weights=[90, 9, 1])[0]
            error_days |= {at.date()} if level == "ERROR" else set()
            lines.append(f"{at.isoformat(sep=' ')} {level} [worker-{rng.randint(1, 6)}] job step {i} done")
        all_days = {datetime.date(2025, 6, 2) + datetime.timedelta(days=d) for d in range((at.date() - datetime.date(2025, 6, 2)).days + 1)}
        if 3 <= len(all_days - error_days) <= len(all_days) - 3:
            break
    out.append({"kind": "days-without-error", "set": "Z", "context": "\n".join(lines), "gold": len(all_days - error_days),
                "question": "On how many days of the log was no ERROR logged?"})
    files, imported = {}, {}
    modules = ["os", "re", "json", "math", "time", "random", "pathlib", "typing", "itertools", "functools", "csv"]
    while True:
        for m in range(6):
            chosen = rng.sample(modules, rng.randint(1, 7))
            imported[f"tools/mod{m}.py"] = len(chosen)
            files[f"tools/mod{m}.py"] = "".join(f"import {name}\n" for name in chosen) + f"\n\ndef run_{m}():\n    return {m}\n"
        ranked = sorted(imported.values())
        if ranked[-1] > ranked[-2]:
            break
    out.append({"kind": "file-most-imports", "set": "Z", "context": files, "gold": max(imported, key=imported.get).split("/")[-1],
                "question": "Which file imports the most modules?"})
    files, counts = {}, {}
    for name in rng.sample(["Ledger", "Invoice", "Receipt", "Voucher", "Account", "Journal"], 6):
        counts[name] = rng.randint(1, 7)
    while sorted(counts.values())[-1] == sorted(counts.values())[-2]:
        counts[rng.choice(list(counts))] += 1
    for i, (name, n) in enumerate(counts.items()):
        body = "".join(f"    def step_{k}(self):\n        return {k}\n\n" for k in range(n))
        files[f"books/{name.lower()}.py"] = f"class {name}:\n{body}"
    out.append({"kind": "class-most-methods", "set": "Z", "context": files, "gold": max(counts, key=counts.get),
                "question": "Which class has the most methods?"})
    years = sorted(rng.sample(range(1780, 1960), 3))
    sentences = [f"In {y} the mill bridge was rebuilt after the spring floods." for y in years]
    sentences += [f"In {rng.randint(1780, 1960)} the chapel roof was rebuilt after a storm."]
    out.append({"kind": "prose-second-rebuild", "set": "Z", "context": plant(base, rng.sample(sentences, 4), rng),
                "gold": str(years[1]), "question": "In which year was the mill bridge rebuilt for the second time?"})
    while True:
        scores = {f"Team {c}": rng.randint(12, 98) for c in "ABCDEFGHIJ"}
        mean = sum(scores.values()) / len(scores)
        ranked = sorted(scores, key=lambda t: abs(scores[t] - mean))
        if abs(scores[ranked[0]] - mean) < abs(scores[ranked[1]] - mean):
            break
    table = "| team | score |\n|---|---|\n" + "".join(f"| {t} | {v} |\n" for t, v in scores.items())
    report = base[:15000] + "\n\n## Results\n\n" + table + "\n" + base[15000:30000]
    out.append({"kind": "markdown-closest-to-mean", "set": "Z", "context": report, "gold": ranked[0],
                "exclude": [t for t in scores if t != ranked[0]],
                "question": "Which team's score in the results table is closest to the average score?"})
    return out


def set_aa(seed: int) -> list[dict]:
    """Set AA, written in the thirty-first step before any run of it and before any change of that step, and run
    once on the engine of its start (0a1d5ed): kinds no set asked (days warmer than the day before, order ids written
    twice, employees paid more than their manager, the product whose price changed most often, jobs a log shows
    started and never finished, functions taking a parameter of a given name, classes defining their own __init__,
    the years from a building's founding to its first repainting in prose)."""
    rng = random.Random(26000 + seed)
    base = reference_text()
    out = []
    day, temp, rows, warmer = datetime.date(2024, 3, 1), 11.0, ["date,temperature_c"], 0
    for i in range(60):
        new_temp = round(temp + rng.uniform(-3, 3), 1)
        warmer += i > 0 and new_temp > temp
        temp = new_temp
        rows.append(f"{(day + datetime.timedelta(days=i)).isoformat()},{temp}")
    out.append({"kind": "warmer-than-day-before", "set": "AA", "context": "\n".join(rows), "gold": warmer,
                "question": "On how many days was it warmer than on the day before?"})
    ids = [f"ORD-{n:05d}" for n in rng.sample(range(10000, 99999), 150)]
    twice = rng.sample(ids, rng.randint(3, 9))
    orders = ["order_id,customer,amount"] + [f"{i},{rng.choice(['Aldo', 'Bea', 'Cyr', 'Dana', 'Ezra'])},{rng.randint(5, 400)}"
                                              for i in rng.sample(ids + twice, len(ids) + len(twice))]
    out.append({"kind": "order-ids-twice", "set": "AA", "context": "\n".join(orders), "gold": len(twice),
                "question": "How many order IDs appear more than once in the table?"})
    while True:
        names = rng.sample(["Ames", "Baird", "Cole", "Diaz", "Eady", "Frost", "Gale", "Hume", "Ivers", "Joss", "Kemp", "Lowe"], 12)
        staff = ["name,manager,salary", f"{names[0]},,{rng.randint(150, 190) * 1000}"]
        salary, richer = {names[0]: int(staff[-1].split(",")[-1])}, []
        for i, name in enumerate(names[1:], 1):
            manager = names[0] if i < 4 else rng.choice(names[1:4])
            salary[name] = rng.randint(60, 140) * 1000 if i < 4 else rng.randint(50, 120) * 1000
            staff.append(f"{name},{manager},{salary[name]}")
            richer += [name] if salary[name] > salary[manager] else []
        if 1 <= len(richer) <= 3:
            break
    out.append({"kind": "paid-more-than-manager", "set": "AA", "context": "\n".join(staff), "gold": richer,
                "exclude": [n for n in names if n not in richer],
                "question": "Which employees earn more than their manager?"})
    while True:
        prices, history = {p: rng.randint(5, 50) for p in ["kettle", "toaster", "blender", "grill", "mixer"]}, ["date,product,price"]
        changes = dict.fromkeys(prices, 0)
        for d in range(40):
            for product in prices:
                if rng.random() < 0.12:
                    prices[product] += rng.choice([-2, -1, 1, 2, 3])
                    changes[product] += d > 0
                history.append(f"{(datetime.date(2024, 5, 1) + datetime.timedelta(days=d)).isoformat()},{product},{prices[product]}")
        ranked = sorted(changes.values())
        if ranked[-1] > ranked[-2]:
            break
    out.append({"kind": "price-changed-most", "set": "AA", "context": "\n".join(history), "gold": max(changes, key=changes.get),
                "exclude": [p for p in changes if p != max(changes, key=changes.get)],
                "question": "Which product's price changed the most times?"})
    at, lines, running = datetime.datetime(2025, 9, 1, 8, 0), [], {}
    for i in range(900):
        at += datetime.timedelta(seconds=rng.randint(5, 90))
        if running and rng.random() < 0.5:
            job = rng.choice(sorted(running))
            del running[job]
            lines.append(f"{at.isoformat(sep=' ')} INFO scheduler: job {job} finished")
        else:
            job = f"J{1000 + i}"
            running[job] = at
            lines.append(f"{at.isoformat(sep=' ')} INFO scheduler: job {job} started")
    finished = {l.split()[-2] for l in lines if l.endswith(" finished")}
    unfinished = {l.split()[-2] for l in lines if l.endswith(" started")} - finished
    out.append({"kind": "jobs-never-finished", "set": "AA", "context": "\n".join(lines), "gold": len(unfinished),
                "question": "How many jobs were started but never finished?"})
    files, with_timeout = {}, 0
    for m in range(5):
        body = []
        for f in range(rng.randint(3, 6)):
            params = rng.sample(["url", "timeout", "retries", "verbose", "path", "data"], rng.randint(1, 3))
            with_timeout += "timeout" in params
            body.append(f"def {rng.choice(['fetch', 'send', 'load', 'save', 'poll'])}_{m}_{f}({', '.join(params)}):\n    return None\n")
        files[f"net/part{m}.py"] = "\n\n".join(body)
    out.append({"kind": "functions-param-named", "set": "AA", "context": files, "gold": with_timeout,
                "question": "How many functions take a parameter named timeout?"})
    files, own_init = {}, 0
    for m, name in enumerate(rng.sample(["Cache", "Queue", "Pool", "Store", "Index", "Cursor", "Stream"], 7)):
        has_init = rng.random() < 0.5
        own_init += has_init
        init = "    def __init__(self, size):\n        self.size = size\n\n" if has_init else ""
        files[f"kit/{name.lower()}.py"] = f"class {name}:\n{init}    def clear(self):\n        return None\n"
    out.append({"kind": "classes-own-init", "set": "AA", "context": files, "gold": own_init,
                "question": "How many classes define their own __init__ method?"})
    built = rng.randint(1790, 1850)
    repaints = sorted(rng.sample(range(built + 5, 1950), 3))
    sentences = [f"The lighthouse at Carrick Point was built in {built}."]
    sentences += [f"In {y} the lighthouse at Carrick Point was repainted in red and white bands." for y in repaints]
    sentences += [f"The harbour master's house was built in {rng.randint(1790, 1850)}."]
    out.append({"kind": "prose-years-to-first-repaint", "set": "AA", "context": plant(base, rng.sample(sentences, len(sentences)), rng),
                "gold": repaints[0] - built,
                "question": "How many years after it was built was the lighthouse at Carrick Point first repainted?"})
    return out


def set_ab(seed: int) -> list[dict]:
    """Set AB, written in the thirty-first step after its engine changes and before any run of it, and run once on
    that step's last engine: seven kinds no set asked (the class with the longest chain of bases, functions with no
    return statement, distinct pairs of two columns, the rank of a named value by its total, the most sessions open
    at once, the first order over an amount, the highest margin of two columns) and a needle asked in other words
    than the text's (set A's kind, in a new text)."""
    rng = random.Random(27000 + seed)
    base = reference_text()
    out = []
    while True:
        names = rng.sample(["Base", "Node", "Leaf", "Item", "Part", "Unit", "Cell", "Slot", "Row", "Box"], 8)
        parent = {names[0]: None}
        for name in names[1:]:
            parent[name] = rng.choice([n for n in parent])
        depth = {}
        for name in names:
            d, at = 0, name
            while parent[at] is not None:
                d, at = d + 1, parent[at]
            depth[name] = d
        ranked = sorted(depth.values())
        if ranked[-1] > ranked[-2]:
            break
    files = {}
    for i, name in enumerate(names):
        bases = f"({parent[name]})" if parent[name] else ""
        head = f"from .m{names.index(parent[name])} import {parent[name]}\n\n" if parent[name] else ""
        files[f"shapes/m{i}.py"] = f"{head}class {name}{bases}:\n    size = {i}\n"
    out.append({"kind": "longest-base-chain", "set": "AB", "context": files, "gold": max(depth, key=depth.get),
                "exclude": [n for n in names if n != max(depth, key=depth.get)],
                "question": "Which class has the longest chain of base classes?"})
    files, silent = {}, 0
    for m in range(4):
        body = []
        for f in range(rng.randint(3, 5)):
            returns = rng.random() < 0.6
            silent += not returns
            inner = "    total = 0\n    for x in items:\n        total += x\n" + ("    return total\n" if returns else "    print(total)\n")
            body.append(f"def step_{m}_{f}(items):\n{inner}")
        files[f"calc/part{m}.py"] = "\n\n".join(body)
    out.append({"kind": "functions-no-return", "set": "AB", "context": files, "gold": silent,
                "question": "How many functions have no return statement?"})
    orders, pairs = ["order_id,customer,product,qty"], set()
    for i in range(36):
        who, what = rng.choice(["Ines", "Jon", "Kai", "Lea", "Mo", "Nia"]), rng.choice(["lamp", "desk", "chair", "shelf", "rug"])
        pairs.add((who, what))
        orders.append(f"{5000 + i},{who},{what},{rng.randint(1, 9)}")
    out.append({"kind": "distinct-pairs", "set": "AB", "context": "\n".join(orders), "gold": len(pairs),
                "question": "How many different customer and product pairs appear in the orders?"})
    while True:
        sales, totals = ["city,month,sales"], {}
        for city in ["Lyon", "Porto", "Graz", "Turku", "Bari", "Gent", "Split"]:
            for month in ["Jan", "Feb", "Mar", "Apr"]:
                amount = rng.randint(100, 999)
                totals[city] = totals.get(city, 0) + amount
                sales.append(f"{city},{month},{amount}")
        ranked = sorted(totals, key=totals.get, reverse=True)
        if len(set(totals.values())) == len(totals) and ranked.index("Graz") not in (0, len(ranked) - 1):
            break
    out.append({"kind": "rank-of-named", "set": "AB", "context": "\n".join(sales), "gold": ranked.index("Graz") + 1,
                "question": "Where does Graz rank among the cities by total sales, counting the highest as 1?"})
    at, lines, open_now, most = datetime.datetime(2025, 4, 7, 9, 0), [], set(), 0
    for i in range(600):
        at += datetime.timedelta(seconds=rng.randint(5, 60))
        if open_now and rng.random() < len(open_now) / 8:
            who = rng.choice(sorted(open_now))
            open_now.discard(who)
            lines.append(f"{at.isoformat(sep=' ')} INFO session closed user=u{who}")
        else:
            who = rng.choice([u for u in range(40) if u not in open_now])
            open_now.add(who)
            most = max(most, len(open_now))
            lines.append(f"{at.isoformat(sep=' ')} INFO session opened user=u{who}")
    out.append({"kind": "most-sessions-open", "set": "AB", "context": "\n".join(lines), "gold": most,
                "question": "What was the largest number of sessions open at the same time?"})
    while True:
        rows, first = ["order_date,customer,amount"], None
        day = datetime.date(2024, 2, 1)
        for i in range(90):
            day += datetime.timedelta(days=rng.randint(0, 2))
            who, amount = rng.choice(["Abel", "Bo", "Cruz", "Dev", "Esi", "Finn"]), rng.randint(20, 560)
            if amount > 500 and first is None:
                first = who
            rows.append(f"{day.isoformat()},{who},{amount}")
        if first is not None and sum(1 for r in rows[1:] if int(r.split(",")[-1]) > 500) >= 2:
            break
    out.append({"kind": "first-over-amount", "set": "AB", "context": "\n".join(rows), "gold": first,
                "question": "Which customer was the first to place an order over 500?"})
    while True:
        items, margins = ["product,price,cost"], {}
        for name in ["anvil", "bolt", "crate", "drill", "easel", "flask", "gauge"]:
            price = rng.randint(20, 200)
            cost = rng.randint(5, price - 1)
            margins[name] = (price - cost) / price
            items.append(f"{name},{price},{cost}")
        ranked = sorted(margins.values())
        if ranked[-1] - ranked[-2] > 0.01:
            break
    out.append({"kind": "highest-margin", "set": "AB", "context": "\n".join(items), "gold": max(margins, key=margins.get),
                "exclude": [n for n in margins if n != max(margins, key=margins.get)],
                "question": "Which product has the highest profit margin, as (price - cost) / price?"})
    leaves = f"{rng.randint(19, 22)}:{rng.choice(['05', '20', '35', '50'])}"
    text = plant(base, [f"On Sundays the last boat for Orrin casts off from the east pier at {leaves}."], rng)
    out.append({"kind": "needle-other-words-ferry", "set": "AB", "context": text, "gold": leaves,
                "question": "What time does the final ferry to Orrin depart on Sunday?"})
    return out


_DATES = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{4}\b",
                    re.I)


def right(gold, answer: str | None, exclude: list[str] = ()) -> bool:
    """Whether `answer` gives `gold`; a list's answer must also name none of `exclude`."""
    text = (answer or "").strip()
    if any(re.search(rf"\b{re.escape(name)}\b", text, re.I) for name in exclude):
        return False
    if gold is None:  # a question the text cannot answer: the answer says so, and offers nothing as the answer
        return bool(re.search(r"\b(not|no|cannot|can't|unknown|none)\b.{0,60}\b(found|mention|given|stated|say|said|contain|"
                              r"provided|available|specified|appear|answer|information)", text, re.I)) or \
            bool(re.fullmatch(r"\W*(none|unknown|not found|n/a)\W*", text, re.I))
    if isinstance(gold, bool):  # a yes/no question: the answer says which, first or as "is not mentioned"
        said_no = re.match(r"\W*(no|false)\b", text, re.I) or re.search(r"\b(not|never|no)\b.{0,40}\b(mention|appear|found|contain|refer)", text, re.I)
        return bool(re.match(r"\W*(yes|true)\b", text, re.I)) if gold else bool(said_no) and not re.match(r"\W*yes\b", text, re.I)
    if isinstance(gold, list):
        return all(item.lower() in text.lower() for item in gold)
    if isinstance(gold, dict):  # counts per group: each group named with its own count
        return all(_count_beside(text, group) == count for group, count in gold.items())
    # A date said beside the value ("from March 2024 to April 2024 is 4.52%") is not the number given.
    text = _DATES.sub(" ", text) if isinstance(gold, (int, float)) and not isinstance(gold, bool) else text
    if isinstance(gold, float):
        numbers = re.findall(r"\d[\d,]*\.?\d*", text)
        # Exact to a cent, or to a hundredth of a percent where rounded: an estimate from a sample is not it.
        return bool(numbers) and abs(float(numbers[0].replace(",", "")) - gold) <= max(0.01, 1e-4 * gold)
    if isinstance(gold, int):
        numbers = re.findall(r"\d[\d,]*", text)
        return bool(numbers) and int(numbers[0].replace(",", "")) == gold
    if re.fullmatch(r"\d[\d,]*", gold):  # "18,400" is said as 18400 too
        return gold.replace(",", "") in text.replace(",", "")
    return gold.lower() in text.lower()


def _count_beside(text: str, group: str) -> int | None:
    """The number said for `group`: the first number after its name with only words between ("low: 3", "low
    priority tickets: 3"), else the number just before it ("3 low")."""
    after = re.search(rf"\b{re.escape(group)}\b\W{{1,12}}(?:[A-Za-z-]+\W{{1,3}}){{0,3}}?(\d[\d,]*)\b", text, re.I)
    before = re.search(rf"\b(\d[\d,]*)\W{{1,3}}(?:[A-Za-z-]+\W{{1,3}})?{re.escape(group)}\b", text, re.I)
    found = after or before
    return int(found.group(1).replace(",", "")) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", default="A,B,C,D,E,F", help="which sets of cases to ask: A (the first), B to F, I, K and L (written later), H, J and M (checks of what was built; M also asks five new kinds), N, O, P, Q, R, S, T, U, V, W, X, Y, Z, AA and AB (each run once, unseen, when written)")
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--out", required=True)
    parser.add_argument("--log-dir", help="write each question's trajectory here, as <kind>.jsonl")
    parser.add_argument("--kinds", help="ask only these kinds of case (comma-separated), e.g. json-lookup")
    parser.add_argument("--rescore", action="store_true", help="score --out's rows again; ask nothing")
    args = parser.parse_args()
    if args.rescore:
        return rescore(args.out)
    out = Path(args.out)
    done = done_questions(out)
    for item in cases(args.seed):
        if item["question"] in done or item.get("set", "A") not in args.set.split(","):
            continue
        if args.kinds and item["kind"] not in args.kinds.split(","):
            continue
        log = Path(args.log_dir, f"{item['kind']}.jsonl") if args.log_dir else None
        row = {"kind": item["kind"], "set": item.get("set", "A"), "question": item["question"], "gold": item["gold"],
               "seed": args.seed, "context_chars": len(item["context"]),
               **asked(args.model, item["context"], item["question"], log)}
        row["right"] = right(item["gold"], row["answer"], item.get("exclude", ()))
        append(out, row, f"{item['kind']:22} {item['question']!r}")
    tally(out)


def rescore(path: str) -> None:
    """Score the rows of `path` again with right() as it is now (--rescore)."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines()]
    excluded = {(seed, item["question"]): item.get("exclude", ()) for seed in {r["seed"] for r in rows} for item in cases(seed)}
    for r in rows:
        r["right"] = right(r["gold"], r["answer"], excluded[r["seed"], r["question"]])
    Path(path).write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(f"{sum(r['right'] for r in rows)} of {len(rows)} right")


if __name__ == "__main__":
    main()
