"""Questions over a log's lines settled by code (records.py, issue 12): when a name's lines were last or first
written, a field's commonest or rarest value, how many different values it has; as a small root's first
reading and through count_table() in the REPL."""

import pytest

from recursivelm import RLM, ScriptedModel, first_reading, log_measures, records

from conftest import block

USERS = ["mkovacs", "jdoe", "asmith"]
LOGINS = "\n".join(f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d} login ok user={USERS[i % 3]} "
                   f"from=192.168.1.{2 + i % 7}" for i in range(120))
ACCESS = "\n".join(f'10.0.0.{1 + (i % 10 < 5) + (i % 10 < 2)} - - [12/Mar/2025:10:{i % 60:02d}:00 +0000] "GET /{"login" if i % 4 else "index"} '
                   f'HTTP/1.1" 200 512' for i in range(100))
SSHD = "\n".join(
    f"Mar {1 + i % 28} {i % 24:02d}:00:{i % 60:02d} host sshd[{100 + i}]: "
    + (f"Failed password for alice from 10.1.1.{1 + (i % 5 == 1)} port 22" if i % 3 else "Accepted password for alice from 10.1.1.9 port 22")
    for i in range(90)) + "\n" + "\n".join(f"Mar 2 10:00:{i % 60:02d} host sshd[9{i}]: Accepted password for bob from 10.1.1.9 port 22"
                                  for i in range(100))  # another user's lines: alice is in a few of them


def test_the_latest_and_earliest_time_of_a_names_lines():
    mine = [line for line in LOGINS.splitlines() if "user=mkovacs" in line]
    latest = max(line[:16] for line in mine)
    assert records.answer(LOGINS, "When did mkovacs last log in?").answer == latest
    assert records.answer(LOGINS, "When was the earliest login of mkovacs?").answer == min(line[:16] for line in mine)
    assert latest in records.answer(LOGINS, "When did mkovacs last log in?").facts


def test_a_names_lines_of_several_kinds_are_narrowed_to_the_kind_the_question_names():
    failed = [line.split(" host")[0] for line in SSHD.splitlines() if "Failed password for alice" in line]

    def when(stamp):  # "Mar 7 05:00:13": day, hour, seconds
        day, clock = stamp.split()[1:]
        return int(day), *map(int, clock.split(":"))

    found = records.answer(SSHD, "When was alice's first failed password?")
    assert found is not None and found.answer == min(failed, key=when)
    # Words that pick no kind ("log in" is both): no answer, the reader reads the passages.
    assert records.answer(SSHD, "When did alice last log in?") is None


def test_the_first_or_last_of_a_name_is_of_every_line_it_is_written_in_whatever_each_says():
    levels = ["INFO", "WARN", "ERROR"]
    log = "\n".join(f"2025-06-01 {8 + i // 60:02d}:{i % 60:02d}:00 {levels[i % 7 % 3]} worker {['started', 'stopped', 'retried'][i % 5 % 3]}"
                    for i in range(200))
    errors = [line[:19] for line in log.splitlines() if " ERROR " in line]
    assert records.answer(log, "At what time was the first ERROR logged?").answer == errors[0]
    assert records.answer(log, "When was the last ERROR?").answer == errors[-1]


def test_the_commonest_rarest_and_number_of_different_values_of_a_field():
    assert records.answer(ACCESS, "Which IP address made the most requests?").answer == "10.0.0.1"
    assert records.answer(ACCESS, "Which IP address made the fewest requests?").answer == "10.0.0.3"
    assert records.answer(ACCESS, "How many different IP addresses appear?").answer == "3"
    assert records.answer(LOGINS, "Which user logged in the most?") is None  # 40 each: a tie
    assert records.answer(LOGINS, "How many distinct users logged in?").answer == "3"  # a key=value field
    # Narrowed to the lines holding the question's other words: failed ones from .2 (i % 5 == 1) are fewer.
    assert records.answer(SSHD, "Which IP address had the most failed passwords?").answer == "10.1.1.1"
    assert records.answer(SSHD, "Which IP address had the most accepted passwords?").answer == "10.1.1.9"
    assert records.answer(SSHD, "Which IP address did alice fail from the most?").answer == "10.1.1.1"


SYNCS = "\n".join(f"[{i:06d}] ERROR code=E{1000 + i % 3} while syncing" if i % 10 == 0 else f"[{i:06d}] INFO synced shard {i % 7}"
                  for i in range(200))
SESSIONS = "\n".join(f"2025-03-0{1 + i % 3} 10:00:00 sshd: session opened for user{i % (5 + i % 3)}" for i in range(90))
MEMOS = [f"Memo {i}\nFrom: {['Yuki Sato', 'Tomas Berg'][i % 2]}\nSubject: {['Budget', 'Hiring'][i % 3 == 0]}\nSee you."
         for i in range(60)]


def test_the_values_of_a_field_listed_counted_on_a_day_and_documents_counted_by_author():
    assert records.answer(SYNCS, "Which error codes appear in this log?").answer == "E1000, E1001, E1002"
    # "on 2025-03-02": the lines holding that date, whole; user ids named by the noun ("user3" for users).
    on_day = {line.rsplit(" ", 1)[1] for line in SESSIONS.splitlines() if line.startswith("2025-03-02")}
    assert records.answer(SESSIONS, "How many different users opened a session on 2025-03-02?").answer == str(len(on_day))
    assert records.answer(MEMOS, "How many memos did Yuki Sato write?").answer == "30"
    budget = sum("Yuki Sato" in m and "Budget" in m for m in MEMOS)
    assert records.answer(MEMOS, "How many memos about the budget did Yuki Sato write?").answer == str(budget)
    assert records.answer(MEMOS, "How many times is Yuki Sato mentioned?") is None  # a count of mentions: tally's


LEVELS = [(["Brekke", "Lund"][i % 2 if i % 5 else 0], 120 + (i * 37) % 300) for i in range(40)]
REPORTS = " ".join(["The archive was quiet that year."] * 50 + [
    f"On day {i + 1} the inspector measured a water level of {level} cm at the {station} station."
    for i, (station, level) in enumerate(LEVELS)] + ["The Brekke station was painted green in 1990."])


@pytest.mark.parametrize("question, want", [
    ("What was the highest water level recorded at the Brekke station?", max(v for s, v in LEVELS if s == "Brekke")),
    ("What was the lowest water level measured at Lund?", min(v for s, v in LEVELS if s == "Lund")),
    ("What was the total water level recorded at Lund?", sum(v for s, v in LEVELS if s == "Lund")),
])
def test_a_names_measurements_in_prose_are_read_from_every_sentence(question, want):
    # "day 12" is a number with no unit; the painting's 1990 is in a sentence with no water level.
    found = records.answer(REPORTS, question)
    assert found is not None and found.answer == f"{want} cm"
    brekke = [v for s, v in LEVELS if s == "Brekke"]
    mean = records.answer(REPORTS, "What was the average water level at the Brekke station?")
    assert mean.answer == f"{round(sum(brekke) / len(brekke), 2):g} cm"


@pytest.mark.parametrize("question, want", [
    ("Which station recorded the highest water level?", "Brekke"),  # 416 against Lund's 379
    ("Which station recorded the lowest water level?", "Brekke"),  # 120 against 141
    ("Which station had the lowest average water level?", "Lund"),  # 260 against 279.17, though its lowest is higher
    ("Which station had the largest total water level?", "Brekke"),  # 24 sentences against 16
])
def test_which_name_has_the_extreme_measurement_is_read_by_the_name_beside_the_noun(question, want):
    found = records.answer(REPORTS, question)
    assert found is not None and found.answer == want
    assert "by the name beside 'station'" in found.facts


STATUSES = "\n".join(f'10.0.0.{i % 7} - - [12/Mar/2025:{i % 24:02d}:{i % 60:02d}:07 +0000] "GET /{["home", "docs"][i % 2]} '
                      f'HTTP/1.1" {[200, 404, 500, 200, 200][i % 5]} {100 + i}' for i in range(240))


@pytest.mark.parametrize("question, want", [
    ("How many requests returned a 404 status?", "48"),  # every fifth line; /home and /docs are one wording
    ("How many requests returned 404 between 10:00 and 12:00?", "4"),  # of the 20 lines of hours 10 and 11
    ("What percentage of the requests failed with status 500?", "20%"),
    ("How many requests for /docs returned 404?", "24"),  # the 404 lines are /home and /docs in turn
])
def test_lines_counted_by_the_number_they_hold_within_a_span_of_time(question, want):
    found = records.answer(STATUSES, question)
    assert found is not None and found.answer == want
    assert records.answer(ACCESS, "How many requests returned 200 between 2025-03-01 and 2025-03-02?").answer == "0"


KEYED = "\n".join(f"2025-{1 + i % 3:02d}-{1 + i % 28:02d} 10:{i % 60:02d} event=login result={'failure' if i % 3 == 0 else 'success'} "
                  f"user={['alice', 'bob'][i % 2]}" for i in range(300))


@pytest.mark.parametrize("context, question, want", [
    (LOGINS, "How many times did mkovacs log in?", "40"),  # one wording: user=mkovacs and user=jdoe are one slot's
    (LOGINS, "How many logins were there in March?", "10"),  # every line, of one wording sharing "login"'s stem
    (LOGINS, "How many times did asmith log in during March?", "10"),  # i % 12 == 2: all asmith's (i % 3 == 2)
    (LOGINS, "How many times did asmith log in between 2025-03-01 and 2025-03-31?", "10"),
    (LOGINS, "How many times did jdoe log in during March?", "0"),  # none of March's lines is jdoe's
    (LOGINS, "How many times did asmith log in between March and May?", "10"),  # asmith's months: 3, 6, 9, 12
    (ACCESS, "How many requests did 10.0.0.1 make?", "50"),  # an address picks its lines whole
    (KEYED, "How many logins did alice have?", "150"),
    (LOGINS, "How many logins were there on a weekend?", "31"),  # days of the week, of the stamps' dates
    (LOGINS, "How many times did mkovacs log in on weekends?", "10"),
    (LOGINS, "How many logins were there on Mondays?", "21"),
    (LOGINS, "How many logins were there in the first quarter of 2025?", "30"),  # January to March
    (LOGINS, "How many logins were there in Q1?", "30"),
    (LOGINS, "How many logins were there in the last 2 months of the log?", "20"),  # November and December 2025
])
def test_a_logs_lines_counted_by_a_name_an_address_or_a_period(context, question, want):
    found = records.answer(context, question)
    assert found is not None and found.answer == want


def test_how_long_the_whole_log_covers():
    # From 2025-01-01 00:00 to 2025-12-28 11:23 (ISO stamps sort as times): 361 days, 11 hours and 23 minutes.
    assert (min(LOGINS.splitlines())[:16], max(LOGINS.splitlines())[:16]) == ("2025-01-01 00:00", "2025-12-28 11:23")
    found = records.answer(LOGINS, "How many whole hours does the log cover from its first line to its last?")
    assert found is not None and found.answer == "8675 hours"  # 361 * 24 + 11, the part hour left out
    assert records.answer(LOGINS, "How long does the log cover?").answer == "8675 h 23 min"


def test_the_longest_gap_between_consecutive_lines():
    steps = [5, 7, 3, 600, 4, 9] * 5  # seconds between lines; one step of ten minutes, five times
    stamps = [sum(steps[:i]) for i in range(len(steps) + 1)]
    polled = "\n".join(f"2025-08-01 10:{s // 60:02d}:{s % 60:02d} poller checked depth={i}" for i, s in enumerate(stamps))
    found = records.answer(polled, "What was the longest gap, in seconds, between two consecutive lines of the log?")
    assert found is not None and found.answer == "600 seconds" and "the longest: 10 min" in found.facts
    assert records.answer(polled, "What is the shortest interval between successive entries?").answer == "3 s"


def test_the_longest_run_of_consecutive_failures_among_the_lines_of_their_kind():
    # The checks fail at 3-5 and 10-13 (a run of 4); a poller's lines between them break no run.
    failing = {3, 4, 5, 10, 11, 12, 13}
    lines = []
    for i in range(30):
        lines.append(f"2025-10-01 10:{i:02d}:00 healthcheck " + ("FAILED target=db timeout" if i in failing else f"ok target=db {i}ms"))
        if i in (11, 20):
            lines.append(f"2025-10-01 10:{i:02d}:30 poller checked queue depth={i}")
    found = records.answer("\n".join(lines), "What was the longest run of consecutive failed health checks?")
    assert found is not None and found.answer == "4" and "10:10:00 healthcheck FAILED" in found.facts
    # The same lines read as any count: "in a row" asks the run, not every failure.
    assert records.answer("\n".join(lines), "How many times in a row did the health check fail at most?").answer == "4"


def test_a_percentile_of_a_logs_durations():
    # 1..100 ms: the 95th percentile, linear between the closest ranks, is 95.05; the 50th is the median.
    requests = "\n".join(f"2025-09-02T08:{i // 60:02d}:{i % 60:02d}Z GET /api/items 200 duration={1 + (i * 37) % 100}ms"
                         for i in range(100))
    found = records.answer(requests, "What was the 95th percentile of request duration, in milliseconds?")
    assert found is not None and found.answer == "95.05 milliseconds" and "linear between the closest ranks" in found.facts
    assert records.answer(requests, "What is the p50 response time?").answer == "50.5 ms"


def test_the_time_from_an_events_line_to_the_first_line_of_a_thing_after_it():
    lines = []
    for i in range(60):
        at = f"2025-11-03 09:{7 * (i + 1) // 60:02d}:{7 * (i + 1) % 60:02d}"
        lines.append(f"{at} INFO deployer deployment of v9.1 started" if i == 20 else
                     f"{at} {'ERROR' if i in (5, 33, 40) else 'INFO'} api handled request id={i}")
    # The ERROR at line 5 is before the deployment; the first after it is line 33: 13 lines of 7 s. "v9.1" picks the
    # deployment's line, not every line holding a 1 as a field (which took line 1 for the start).
    found = records.answer("\n".join(lines), "How many seconds after the deployment of v9.1 started was the first ERROR logged?")
    assert found is not None and found.answer == "91 seconds" and "deployment of v9.1 started" in found.facts
    assert records.answer("\n".join(lines), "How long after the deployment started was the first error logged?").answer == "1 min 31 s"


def test_the_most_lines_in_one_minute_and_the_user_of_the_most_different_addresses():
    lines, at = [], 0
    for i in range(300):
        at += 1 if 100 <= i < 160 else 7  # seconds: a burst of sixty requests a second apart
        lines.append(f"2025-12-01T14:{at // 60:02d}:{at % 60:02d}Z GET /api/feed {500 if i % 9 == 0 else 200} 12ms"
                     + (" error" if i % 9 == 0 else ""))
    found = records.answer("\n".join(lines), "What was the largest number of requests logged in a single minute?")
    assert found is not None and found.answer == "43" and "the busiest minute" in found.facts
    # "the most errors": lines counted per minute, not the largest duration (before: "12 ms")
    assert records.answer("\n".join(lines), "What is the most errors in any one minute?").answer == "4"
    spread = {"ana": 3, "bo": 6, "cy": 2}
    logins = "\n".join(f"2025-06-01 {i // 60:02d}:{i % 60:02d}:00 sshd: Accepted password for {user} from 10.{i % 3}.0."
                       f"{1 + (i // 3) % spread[user]} port 22" for i in range(120) for user in [["ana", "bo", "cy"][i % 3]])
    found = records.answer(logins, "Which user logged in from the most different IP addresses?")
    assert found is not None and found.answer == "bo" and "bo: 6 different" in found.facts  # not the user of most lines
    assert records.answer(logins, "Which user logged in from the fewest different addresses?").answer == "cy"


def test_the_name_prose_writes_most_often_after_a_noun():
    text = " ".join(["The rain fell."] + ["First Officer Hale checked the rigging."] * 3
                    + ["First Officer Duarte took the watch."] * 5 + ["First Officer Okoro spoke to the cook."] * 2)
    found = records.settled(text, "Which officer does the text mention most often?")
    assert found is not None and found.answer == "Duarte" and "Duarte: 5" in found.facts
    assert records.settled(text, "Which officer is mentioned least?").answer == "Okoro"


def test_lines_per_hour_an_error_rate_per_endpoint_and_lines_holding_two_words():
    requests = "\n".join(f"2025-04-02T{6 + i // 150:02d}:{i % 60:02d}:{i % 7:02d}Z GET /api/{['cart', 'feed', 'feed', 'feed'][i % 4]} "
                         f"{500 if (i % 4 == 0 and i % 3 == 0) or i % 40 in (1, 2, 3, 5, 6, 7) else 200} 12ms" for i in range(600))
    found = records.answer(requests, "On average, how many requests were logged per hour?")
    assert found is not None and found.answer == "150" and "over the 4 hours" in found.facts
    # /api/cart fails 50 of its 150 lines; /api/feed more lines (90) but a smaller share of its 450: the rate, not the count
    found = records.answer(requests, "Which endpoint has the highest error rate?")
    assert found is not None and found.answer == "/api/cart" and "/api/cart: 33.33% of 150 lines" in found.facts
    notes = "\n".join(f"note {i}: checked {' and '.join(w for k, w in enumerate(['timeout', 'retry', 'cache']) if i >> k & 1)}"
                      for i in range(1, 64))
    found = records.settled(notes, "How many lines mention both timeout and retry?")
    assert found is not None and found.answer == "16" and "holding both 'timeout' and 'retry': 16" in found.facts
    assert records.settled(notes, "How many lines mention timeout but not retry?").answer == "16"
    assert records.settled(notes, "How many lines mention either timeout or retry?").answer == "48"


def test_measurements_in_prose_counted_by_a_comparison():
    heights = [2100, 3150, 2950, 3600, 4100, 2800]
    prose = " ".join(f"On day {k + 2} the expedition pitched camp {k + 1} at {h} metres. The weather held." for k, h in enumerate(heights))
    prose += " The base town lies at 3200 metres."  # no camp: not counted
    found = records.answer(prose, "How many of the expedition's camps were pitched above 3000 metres?")
    assert found is not None and found.answer == "3" and "camp 2 at 3150 metres" in found.facts
    assert records.answer(prose, "How many camps were pitched below 3000 metres?").answer == "3"


def test_different_values_of_a_field_within_a_clock_span():
    requests = "\n".join(f"2025-03-0{1 + i % 5} {i % 24:02d}:{i % 60:02d}:00 GET /x from 10.0.{i % 4}.{i % 11}" for i in range(480))
    # Hours 10 and 11 are 40 lines of 22 of the 44 addresses. The span's words ("10", "00") are read as the span,
    # not as words the lines must hold (which picked none).
    found = records.answer(requests, "How many different IP addresses made requests between 10:00 and 12:00?")
    assert found is not None and found.answer == "22"
    assert records.answer(requests, "How many different IP addresses made requests?").answer == "44"


def test_of_a_names_lines_of_several_kinds_the_kind_the_questions_words_pick_is_counted():
    tickets = "\n".join(f"2025-01-{1 + i % 28:02d} 10:{i % 60:02d} ticket {4100 + i} {'escalated' if i % 4 == 0 else 'closed'} "
                         f"by the {'Lisbon' if i % 2 == 0 else 'Porto'} desk" for i in range(200))
    assert records.answer(tickets, "How many tickets did the Lisbon desk escalate?").answer == "50"  # not its 100 lines
    untimed = "\n".join(line.split(" ", 2)[2] for line in tickets.splitlines())
    assert records.answer(untimed, "How many tickets did the Lisbon desk escalate?") is None  # no log: line_kinds's


def test_a_status_is_counted_where_it_stands_in_most_lines_not_as_a_size():
    log = STATUSES.replace('" 200 100', '" 200 404')  # one line of status 200 and 404 bytes
    assert records.answer(log, "How many requests returned a 404 status?").answer == "48"


@pytest.mark.parametrize("context, question", [
    (LOGINS, "How many times did mkovacs fail to log in?"),  # no line says it failed: a reader's
    (KEYED, "How many failed logins did alice have?"),  # result=failure and result=success are one wording here
    (LOGINS, "How many reboots were there in March?"),  # no line shares a stem with "reboots"
])
def test_a_count_code_cannot_pick_the_lines_of_is_left_to_the_reader(context, question):
    assert records.answer(context, question) is None


@pytest.mark.parametrize("context, question", [
    (LOGINS, "Where did mkovacs log in from?"),  # not a time, a count or an extreme
    (REPORTS, "Which station recorded the highest temperature?"),  # names nothing measured
    (REPORTS.replace(" station.", " station Oslo."), "Which station recorded the highest water level?"),  # two names beside
    (ACCESS, "How many requests returned 404?"),  # a number no line holds as a field of its own
    (STATUSES, "What percentage of requests for /docs returned 404?"),  # of all requests or of /docs's: not read
    (SSHD, "How many unsuccessful logins for alice were there between 10:00 and 12:00?"),  # kinds: line_kinds's
    (REPORTS, "What was the highest temperature at Oslo?"),  # names nothing measured
    (REPORTS.replace(" cm at the Brekke", " mm at the Brekke", 10), "What was the highest water level at Brekke?"),  # units mixed
    (LOGINS, "When did mkovacs last log in before March?"),  # a condition not read here
    (LOGINS, "When did zorro last log in?"),  # names no line
    ("\n".join(["The ferry was late again."] * 30), "When was the ferry last late?"),  # no time stamps
    ("2025-01-01 login ok user=a\n" * 5, "When did a last log in?"),  # a note, not a log
    ("date,user\n" + "2025-01-01,a\n" * 30, "When did a last log in?"),  # a table: tables.py reads it
])
def test_what_code_does_not_settle_is_left_to_the_reader(context, question):
    assert records.answer(context, question) is None


def test_a_small_roots_first_reading_over_a_log_is_what_code_read():
    question = "Which IP address made the most requests?"
    template, _ = first_reading.choose(True, True, ACCESS, question, lambda: True)
    assert template == first_reading.TABLE
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=["10.0.0.1"], name="sub"), profile="small",
                 sandbox="inprocess").run(ACCESS, question)
    assert result.answer == "10.0.0.1"
    assert "10.0.0.1: 50 lines" in root.calls[0][-1]["content"]


def test_count_table_answers_over_a_logs_lines_in_the_repl():
    root = ScriptedModel(replies=[block('print(count_table("When did mkovacs last log in?").answer)'),
                                  block("FINAL('done')")], name="scripted")
    RLM(root, profile="small", sandbox="inprocess").run(LOGINS, "When did mkovacs last log in?")
    latest = max(line[:16] for line in LOGINS.splitlines() if "user=mkovacs" in line)
    assert any(latest in m["content"] for m in root.calls[1])


REQUESTS = "\n".join(f"2025-07-0{1 + i % 9} 10:{i % 60:02d}:00 GET {['/api/login', '/api/cart'][i % 2]} 200 {10 * (i + 1)}ms "
                     f"sent {i % 5 + 1}KB" for i in range(40))  # login: 10, 30, ..., 390 ms; cart: 20, 40, ..., 400 ms


@pytest.mark.parametrize("question, want", [
    ("What was the average response time of /api/login requests?", "200 ms"),  # (10 + 390) / 2
    ("What was the average response time of /api/login requests in seconds?", "0.2 seconds"),  # the unit asked
    ("What is the median duration of /api/cart requests?", "210 ms"),
    ("What was the slowest /api/cart request?", "400 ms"),
    ("What was the fastest request on 2025-07-01?", "10 ms"),  # the lines holding the date: 10, 100, 190, 280, 370 ms
    ("What is the total size sent for /api/login in KB?", "60 KB"),  # 1, 3, 5, 2, 4 KB, four times over
])
def test_a_logs_durations_and_sizes_are_measured_over_the_lines_the_question_picks(question, want):
    found = records.answer(REQUESTS, question)
    assert found is not None and found.answer == want
    assert found.facts.startswith("Read by code over the lines")


@pytest.mark.parametrize("context, question", [
    (REQUESTS, "How many requests took longer than 100 ms?"),  # a count with a comparison: not a measure
    (REQUESTS.replace("KB", "ms"), "What was the average response time of /api/login requests?"),  # two times a line
    (REQUESTS, "Which path was the slowest?"),  # which path: a field's, not a measure
])
def test_a_measure_code_cannot_tell_is_left_to_the_reader(context, question):
    found = records.answer(context, question)
    assert found is None or "the time each writes" not in found.facts



ROLLOUT = "\n".join(f"2025-10-02 {8 + i // 60:02d}:{i % 60:02d}:00 " + (
    "deploy: release 4.2 rollout started" if i == 30 else "deploy: release 4.2 rollout finished" if i == 205 else
    f"health: {['ok', 'checked'][i % 2]}") for i in range(300))


@pytest.mark.parametrize("question, want", [
    ("How many minutes did the release 4.2 rollout take?", "175 minutes"),  # 08:30 to 11:25
    ("How many hours did the release 4.2 rollout take?", "2.92 hours"),
    ("How long did the rollout take?", "2 h 55 min"),
])
def test_how_long_something_took_is_read_from_its_first_and_last_lines(question, want):
    found = records.answer(ROLLOUT, question)
    assert found is not None and found.answer == want
    assert "the first at 2025-10-02 08:30:00" in found.facts and "the last at 2025-10-02 11:25:00" in found.facts


def test_how_long_with_one_line_naming_it_is_left_to_the_reader():
    assert records.answer(ROLLOUT, "How long did release 4.3 take?") is None  # 4.3: in no line
    assert records.answer(ROLLOUT.replace("rollout finished", "done"), "How long did the rollout take?") is None
    assert not log_measures.asks_took("How long did the slowest backup take?")  # a measure of the lines


BACKUP = "\n".join(f"2025-11-20 06:{i // 60:02d}:{i % 60:02d} " + (
    "INFO backup: nightly backup started" if i == 100 else "INFO backup: nightly backup finished" if i == 250 else
    f"{['INFO', 'ERROR', 'WARN'][i % 3]} {['db', 'queue'][i % 2]}: {['retry', 'timeout', 'ok', 'slow query'][i % 4]}")
    for i in range(400))


@pytest.mark.parametrize("question, want", [
    # Lines 101 to 251: the ERROR lines (i % 3 == 1) from 103 to 250, both event lines left out.
    ("How many ERROR lines were logged while the nightly backup was running?",
     str(sum(1 for i in range(101, 250) if i % 3 == 1))),
    ("How many ERROR lines were logged during the nightly backup?", str(sum(1 for i in range(101, 250) if i % 3 == 1))),
    ("How many WARN lines were logged while the backup was in progress?",
     str(sum(1 for i in range(101, 250) if i % 3 == 2))),
])
def test_a_count_within_a_span_of_the_logs_events_is_read_between_their_first_and_last_lines(question, want):
    found = records.answer(BACKUP, question)
    assert found is not None and found.answer == want
    assert "from the first line holding" in found.facts


def test_a_span_of_events_named_in_fewer_than_two_lines_is_left_to_the_reader():
    assert records.answer(BACKUP, "How many ERROR lines were logged while the migration was running?") is None


def test_which_field_has_the_extreme_average_measure_is_read_over_every_line():
    found = records.answer(REQUESTS, "Which endpoint has the highest average response time?")
    assert found is not None and found.answer == "/api/cart"  # 210 ms against 200 ms
    assert "/api/login: 200 ms over 20 lines" in found.facts
    assert records.answer(REQUESTS, "Which path has the lowest total response time?").answer == "/api/login"
    # Sizes: 3 KB on average for each path, a tie: no answer of code's.
    assert records.answer(REQUESTS, "Which endpoint has the highest average size?") is None


FUEL = "\n\n".join(["The committee reviewed the minutes of the last meeting and the agenda. " * 20] + [
    f"On day {d} of the crossing the expedition {'bought' if d % 3 else 'burned'} {10 * d} litres of fuel "
    f"{'in port' if d % 3 else 'against the wind'}." for d in range(1, 13)])
BOUGHT = sum(10 * d for d in range(1, 13) if d % 3)


@pytest.mark.parametrize("question, want", [
    ("How many litres of fuel did the expedition buy in total?", f"{BOUGHT} litres"),  # "buy": the sentences' "bought"
    ("How many litres of fuel did the expedition burn in total?", f"{780 - BOUGHT} litres"),
    ("How many litres of fuel did the expedition use in total?", None),  # no one wording is picked: the reader's
])
def test_a_total_in_the_unit_asked_is_summed_over_the_sentences_of_the_wording_picked(question, want):
    found = records.answer(FUEL, question)
    assert (found and found.answer) == want


def test_different_values_of_a_field_within_an_events_span():
    lines = [f"2025-12-01 09:{i // 60:02d}:{i % 60:02d} " + (
        "INFO migration: schema migration started" if i == 20 else "INFO migration: schema migration finished"
        if i == 40 else f"INFO auth: login ok user=user{i}") for i in range(60)]
    found = records.answer("\n".join(lines), "How many different users logged in during the schema migration?")
    assert found is not None and found.answer == "19"  # user21 ... user39


def test_which_part_of_a_logs_time_stamps_holds_the_most_lines():
    lines = [f"2025-10-14 {h:02d}:{m:02d}:00 GET /a 200" for h in range(24) for m in range(0, 60, 20 if h != 14 else 5)]
    found = records.answer("\n".join(lines), "During which hour of the day were the most requests logged?")
    assert found is not None and found.answer == "14:00"


def test_lines_are_not_counted_for_days_or_for_what_does_not_hold_a_word():
    log = "\n".join(f"2025-06-{2 + i // 24:02d} {i % 24:02d}:00:00 {'ERROR' if i % 30 == 0 else 'INFO'} [worker-{i % 3}] job step {i} done"
                    for i in range(240))
    assert records.settled(log, "How many errors were logged?").answer == "8"
    assert records.settled(log, "On how many days of the log was no ERROR logged?") is None  # was the 8 error lines
    assert records.settled(log, "How many days had no errors?") is None
    assert records.settled(log, "How many hours had an error?") is None
