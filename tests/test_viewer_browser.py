"""`rlm view` in a real browser: Debian's headless Chromium, driven by Playwright (never a downloaded browser).

Set RLM_UPDATE_SCREENSHOT=1 to refresh docs/viewer.png from the page these tests look at.
"""

import json
import os
from pathlib import Path

import pytest

from recursivelm.viewer import ViewerServer, write_standalone_html

from test_viewer import ANSWER, CHILD_QUESTION, HOSTILE, big_log, export_hostile_run, record_run

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).parent.parent / "docs" / "viewer.png"
WAIT_MS = 10_000

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no {CHROMIUM}: apt-get install -y chromium"),
    pytest.mark.skipif(sync_playwright is None, reason="the playwright package is missing: pip install '.[test]'"),
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    log = tmp_path_factory.mktemp("browser") / "run.jsonl"
    record_run(log, latency_s=0.04)  # real durations, so the timeline has something to draw
    return log


def events(log):
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_the_page_shows_the_run_and_opens_a_child_run(recorded, page):
    child_start = next(e for e in events(recorded) if e["type"] == "run_start" and e["parent"])
    with ViewerServer(recorded) as server:
        page.goto(server.url)
        expect(page.locator("#run-status")).to_have_text("answered")
        expect(page.locator("#answer")).to_contain_text(ANSWER)
        expect(page.locator("table[data-totals=model]")).to_contain_text("openai/gpt-5-mini")
        expect(page.locator(".root-run > details.iteration")).to_have_count(3)
        expect(page.locator(".tl-row[data-row='sub:1'] .tl-bar")).to_have_count(6)
        expect(page.locator("mark.cut").first).to_contain_text("characters cut")
        expect(page.locator("pre.code .tok-rlm", has_text="llm_query_batched")).to_have_count(1)

        child = page.locator("details.child-run")
        expect(child).to_have_count(1)
        # the child run sits inside the cell that spawned it, and is drawn only once opened
        spawned_in = child.evaluate("el => el.parentElement.closest('.cell').dataset.event")
        assert spawned_in == child_start["parent"]
        expect(child.locator(".child-run-body")).to_have_count(0)
        child.locator("> summary").click()
        expect(child.locator(".child-run-body")).to_contain_text(CHILD_QUESTION)
        child.locator("details[data-subcalls] > summary").click()
        sub_call = child.locator(".subcall")
        expect(sub_call).to_have_count(1)
        expect(sub_call).to_contain_text("Which supplier sent invoice 7?")
        expect(sub_call).to_contain_text("Kestrel Ltd sent invoice 7 on 2024-03-07.")
        expect(sub_call).to_contain_text("openai/gpt-5-mini")

        shot = page.screenshot(full_page=True)
        assert shot[:8] == b"\x89PNG\r\n\x1a\n"
        if os.environ.get("RLM_UPDATE_SCREENSHOT") == "1":
            _save_screenshot(page)


def _save_screenshot(page):
    """The README's picture: the header, the timeline, and the iteration that spawned the child run."""
    page.locator("details[data-subcalls] > summary").last.click()  # the root cell's batch, too
    page.evaluate("document.querySelectorAll('.root-run > details.iteration')[0].open = false")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(SCREENSHOT), clip={"x": 0, "y": 0, "width": 1280, "height": min(height, 1800)}, full_page=True)


def test_a_live_page_follows_the_log_as_the_run_writes_it(recorded, page, tmp_path):
    lines = recorded.read_text().splitlines(keepends=True)
    kinds = [json.loads(line) for line in lines]
    second_turn = next(i for i, e in enumerate(kinds) if e["type"] == "root_call" and e["iteration"] == 2 and e["depth"] == 0)
    third_turn = next(i for i, e in enumerate(kinds) if e["type"] == "root_call" and e["iteration"] == 3)
    live = tmp_path / "live.jsonl"
    live.write_text("".join(lines[:second_turn]))
    with ViewerServer(live) as server:
        page.goto(server.url)
        iterations = page.locator(".root-run > details.iteration")
        expect(iterations).to_have_count(1)
        expect(page.locator("#run-status")).to_have_text("running")
        page.locator("details.prompt-block > summary").first.click()  # what the reader opened must stay open

        with live.open("a") as f:  # the second turn arrives, its last line torn mid-write
            f.write("".join(lines[second_turn:third_turn]) + lines[third_turn][:25])
        expect(iterations).to_have_count(2)
        expect(page.locator("details.child-run")).to_contain_text(CHILD_QUESTION)
        expect(page.locator("details.prompt-block").first).to_have_attribute("open", "")

        with live.open("a") as f:
            f.write(lines[third_turn][25:] + "".join(lines[third_turn + 1:]))
        expect(iterations).to_have_count(3)
        expect(page.locator("#run-status")).to_have_text("answered")
        expect(page.locator("#answer")).to_contain_text(ANSWER)
        expect(page.locator("body")).to_have_attribute("data-state", "finished")  # polling stopped


def test_a_timeline_bar_opens_the_child_run_it_belongs_to(recorded, page):
    page.goto(write_standalone_html(recorded, recorded.with_suffix(".html")).as_uri())
    expect(page.locator(".child-run .subcall")).to_have_count(0)
    page.locator(".tl-row[data-row='sub:2'] .tl-bar").click()  # the child run's own sub-call
    target = page.locator(".child-run .subcall")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("Kestrel Ltd sent invoice 7")
    expect(page.locator("details.child-run")).to_have_attribute("open", "")


def test_thousands_of_sub_calls_are_drawn_only_when_asked_for(tmp_path, page):
    page_file = write_standalone_html(big_log(tmp_path / "big.jsonl", 5_000), tmp_path / "big.html")
    page.goto(page_file.as_uri())
    group = page.locator("details[data-subcalls]")
    expect(group.locator("> summary")).to_contain_text("5,000 sub-calls")
    expect(page.locator(".subcall")).to_have_count(0)
    group.locator("> summary").click()
    expect(page.locator(".subcall")).to_have_count(50)
    page.get_by_role("button", name="show 50 more").click()
    expect(page.locator(".subcall")).to_have_count(100)
    # a timeline bar far down the list shows the 50 calls around it and scrolls to it
    page.locator(".tl-row[data-row='sub:1'] .tl-bar[data-target='sub4004']").click()
    target = page.locator(".subcall[data-event='sub4004']")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("#4000")
    expect(target).to_contain_text("Summarise part 3999")
    expect(page.locator(".subcall")).to_have_count(50)
    page.get_by_role("button", name="show 50 earlier").click()
    expect(page.locator(".subcall")).to_have_count(100)


def test_a_long_sub_call_prompt_is_folded_until_show_all(tmp_path, page):
    log = big_log(tmp_path / "one.jsonl", 1)
    text = log.read_text().replace("lorem ipsum dolor sit amet " * 8, "word " * 400)
    log.write_text(text)
    page.goto(write_standalone_html(log, tmp_path / "one.html").as_uri())
    page.locator("details[data-subcalls] > summary").click()
    prompt = page.locator(".subcall pre").first
    expect(prompt).to_contain_text("more characters")
    assert len(prompt.inner_text()) < 450
    prompt.get_by_role("button", name="show all").click()
    assert len(prompt.inner_text()) > 2000


def test_an_exported_page_shows_text_that_html_and_utf8_cannot_take_raw(tmp_path, page):
    # "<!--<script" in any logged text used to leave the page blank (the data element never ended).
    out, _ = export_hostile_run(tmp_path)
    page.goto(out.as_uri())
    expect(page.locator("#run-status")).to_have_text("answered")
    expect(page.locator("#answer")).to_contain_text("a <!--<script> b </script> c <!-- d")
    assert page.evaluate("() => JSON.parse(document.getElementById('rlm-data').textContent).events"
                         ".find(e => e.type === 'answer').answer") == HOSTILE


def test_the_page_shows_tool_calls_and_the_system_prompt(tmp_path, page):
    from conftest import block
    from recursivelm import RLM, ScriptedModel

    def lookup(code: str) -> str:
        """The city of an airport code."""
        return {"OSL": "Oslo"}.get(code, "unknown")

    log = tmp_path / "tools.jsonl"
    root = ScriptedModel(replies=[block('print(lookup("OSL"))'), block('FINAL("Oslo")')], name="scripted")
    RLM(root, sandbox="inprocess", tools=[lookup], log=log).run("flights from OSL", "Which city?")
    page.goto(write_standalone_html(log, tmp_path / "tools.html").as_uri())
    expect(page.locator(".toolcall").first).to_contain_text('lookup(')
    expect(page.locator(".toolcall").first).to_contain_text("Oslo")
    page.locator("details[data-system] > summary").click()
    expect(page.locator("details[data-system]")).to_contain_text("lookup(code: str)")


def test_a_run_with_samples_shows_the_chosen_answer_and_the_other_samples_folded(tmp_path, page):
    from conftest import block
    from recursivelm import RLM, ScriptedModel

    log = tmp_path / "samples.jsonl"
    root = ScriptedModel(replies=[block(f"FINAL({a!r})") for a in ("1234", "4417", "1234")], name="scripted")
    RLM(root, profile="default", sandbox="inprocess", samples=3, log=log).run("the vault code is 4417", "code?")
    with ViewerServer(log) as server:
        page.goto(server.url)
        expect(page.locator("#run-status")).to_have_text("answered")
        expect(page.locator("#answer")).to_contain_text("4417")
        expect(page.locator("#samples")).to_contain_text("sample 2 chosen")
        expect(page.locator("#samples")).to_contain_text("found in the context")
        expect(page.locator(".root-run > details.iteration")).to_have_count(1)
        samples = page.locator("details.child-run")
        expect(samples).to_have_count(2)
        samples.first.locator("summary").click()
        expect(samples.first).to_contain_text("FINAL('4417')")
