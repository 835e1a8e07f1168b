"""`rlm view` counts an rlm_query as a sub-call: the cell that made one used to read "0 sub-calls ·
rlm_query ×1" (a child run writes no sub_call event). Real browser, as in test_viewer_browser."""

import json

from playwright.sync_api import expect

from recursivelm.events import CellEnd, CellStart, RootCall, RunEnd, RunStart, SubCallsQueued
from recursivelm.viewer import ViewerServer
from test_viewer_browser import browser, page, pytestmark  # noqa: F401 - the fixtures and the skip marks


def test_a_cell_that_made_one_rlm_query_shows_one_sub_call(tmp_path, page):  # noqa: F811
    rows = [
        RunStart(id="run1", run="r", depth=0, t=0.0, question="q", model="m", sub_model="s"),
        RootCall(id="root2", run="r", depth=0, t=1.0, iteration=1, reply="rlm_query('x')", model="m"),
        CellStart(id="cell3", parent="root2", run="r", depth=0, t=1.0, iteration=1, index=1, code="rlm_query('x')"),
        SubCallsQueued(id="queue4", parent="cell3", run="r", depth=1, t=1.0, count=1, kind="rlm_query"),
        RunStart(id="run5", parent="cell3", run="c", depth=1, t=1.1, question="x", model="m", sub_model="s"),
        RootCall(id="root6", run="c", depth=1, t=1.5, iteration=1, reply="FINAL('y')", model="m"),
        RunEnd(id="end7", run="c", depth=1, t=1.6, status="answered", answer="y", wall_time_s=0.5),
        CellEnd(id="end8", parent="cell3", run="r", depth=0, t=1.7, output="y", output_chars=1, duration_s=0.7),
        RunEnd(id="end9", run="r", depth=0, t=2.0, status="answered", answer="y", wall_time_s=2.0),
    ]
    log = tmp_path / "run.jsonl"
    log.write_text("".join(json.dumps(e.as_dict()) + "\n" for e in rows))
    with ViewerServer(log) as server:
        page.goto(server.url)
        expect(page.locator("#run-status")).to_have_text("answered")
        page.locator(".root-run > details.iteration > summary").first.click()
        summary = page.locator("details[data-subcalls] > summary")
        expect(summary).to_contain_text("1 sub-call")
        expect(summary).to_contain_text("rlm_query ×1")
        expect(summary).not_to_contain_text("in flight")
