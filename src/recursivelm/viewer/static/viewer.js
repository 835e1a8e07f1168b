// rlm view: builds the run's tree from its events (parent links) and renders it, lazily.
// The same code shows an exported page (data inlined in #rlm-data) and a live one (polling /events).
"use strict";

(function () {
  const POLL_MS = 1000;
  const SUBCALL_PAGE = 50; // sub-calls rendered per "show more": a cell may hold thousands
  const SHORT_FOLD = 300; // sub-call prompts and replies: the first ~300 characters until "show all"
  const LONG_FOLD = 4000; // replies, prompts, outputs of root turns
  const NOTE_RE = /\.\.\. \[[\d,]+ characters (?:cut|not logged|not shown by the viewer)[^\]\n]*\] \.\.\./g;

  // -- small helpers ------------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }
  // replaceChildren() with h()'s rules: null, undefined and false draw nothing.
  const fill = (el, ...children) => el.replaceChildren(...h("div", {}, children).childNodes);
  const int = (n) => Number(n || 0).toLocaleString("en-US");
  function seconds(s) {
    s = Number(s || 0);
    if (s < 1) return `${Math.round(s * 1000)} ms`;
    if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
    return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  }
  function money(c, unpriced) {
    if (c === null || c === undefined) return "—";
    const text = c === 0 ? "$0" : c < 0.01 ? `$${c.toPrecision(2)}` : `$${c.toFixed(2)}`;
    return unpriced ? `${text} + ${int(unpriced)} unpriced` : text;
  }
  const plural = (n, word, many) => `${int(n)} ${n === 1 ? word : many || word + "s"}`;
  const oneLine = (text, n) => { const t = String(text || "").replace(/\s+/g, " ").trim(); return t.length > n ? t.slice(0, n) + "…" : t; };
  const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  // -- Python highlighting: one pass of a small tokenizer, enough for model-written REPL code ------
  const KEYWORDS = new Set(("False None True and as assert async await break class continue def del elif else except " +
    "finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case").split(" "));
  const BUILTINS = new Set(("print len range enumerate zip sorted reversed sum min max abs int float str list dict set " +
    "tuple bool type isinstance open map filter any all round repr hasattr getattr setattr dir vars format " +
    "Exception ValueError KeyError IndexError TypeError re json collections math").split(" "));
  const RLM_NAMES = new Set("context llm_query llm_query_batched rlm_query FINAL FINAL_VAR SHOW_VARS search chunks ask_chunks".split(" "));
  const TOKEN_RE = new RegExp([
    String.raw`(#[^\n]*)`, // 1 comment
    String.raw`((?:[rRbBuUfF]{1,2})?(?:'''[\s\S]*?(?:'''|$)|"""[\s\S]*?(?:"""|$)|'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?))`, // 2 string
    String.raw`(\b(?:0[xXoObB][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?)\b)`, // 3 number
    String.raw`([A-Za-z_][A-Za-z0-9_]*)`, // 4 name
  ].join("|"), "g");

  function highlightPython(code) {
    let out = "", last = 0, previousName = "";
    for (const m of code.matchAll(TOKEN_RE)) {
      out += escapeHtml(code.slice(last, m.index));
      const [text, comment, string, number, name] = m;
      let cls = null;
      if (comment) cls = "tok-com";
      else if (string) cls = "tok-str";
      else if (number) cls = "tok-num";
      else if (name) {
        if (KEYWORDS.has(name)) cls = "tok-kw";
        else if (previousName === "def" || previousName === "class") cls = "tok-fn";
        else if (RLM_NAMES.has(name)) cls = "tok-rlm";
        else if (BUILTINS.has(name)) cls = "tok-bi";
        previousName = name;
      }
      out += cls ? `<span class="${cls}">${escapeHtml(text)}</span>` : escapeHtml(text);
      last = m.index + text.length;
    }
    return out + escapeHtml(code.slice(last));
  }

  // -- the model: events placed in a tree as they arrive -----------------------------------------
  class Trajectory {
    constructor() {
      this.events = [];
      this.runs = new Map(); // run id -> run
      this.iterations = new Map(); // root_call id -> iteration
      this.cells = new Map(); // cell_start id -> cell
      this.owner = new Map(); // any event id -> the node that shows it (for the timeline's clicks)
      this.root = null;
      this.samples = []; // self-consistency's samples 2..K (RLM(samples=K)): depth-0 runs under the root's run_start
    }

    add(events) { for (const e of events) this.place(e); }

    run(id) {
      if (!this.runs.has(id)) this.runs.set(id, { id, start: null, iterations: [], stray: [], limits: [], answer: null, end: null, cell: null, system: null, compactions: [] });
      return this.runs.get(id);
    }

    place(e) {
      this.events.push(e);
      const run = this.run(e.run);
      switch (e.type) {
        case "run_start": {
          run.start = e;
          const cell = e.parent ? this.cells.get(e.parent) : null;
          if (cell) { cell.children.push(run); run.cell = cell; }
          else if (this.root && e.depth === 0 && e.parent === this.root.start.id) this.samples.push(run);
          else if (!this.root) this.root = run;
          break;
        }
        case "root_call": {
          const it = { id: e.id, call: e, cells: [], run };
          run.iterations.push(it);
          this.iterations.set(e.id, it);
          this.owner.set(e.id, it);
          break;
        }
        case "cell_start": {
          const it = this.iterations.get(e.parent);
          const cell = { id: e.id, start: e, end: null, subcalls: [], toolcalls: [], children: [], queued: 0, kinds: {}, iteration: it, run };
          (it ? it.cells : run.stray).push(cell);
          this.cells.set(e.id, cell);
          this.owner.set(e.id, cell);
          break;
        }
        case "cell_end": { const cell = this.cells.get(e.parent); if (cell) cell.end = e; break; }
        case "sub_calls_queued": {
          const cell = this.cells.get(e.parent);
          if (cell) { cell.queued += e.count; cell.kinds[e.kind] = (cell.kinds[e.kind] || 0) + e.count; }
          break;
        }
        case "sub_call": {
          const cell = this.cells.get(e.parent);
          if (cell) { cell.subcalls.push(e); this.owner.set(e.id, cell); }
          break;
        }
        case "tool_call": {
          const cell = this.cells.get(e.parent);
          if (cell) { cell.toolcalls.push(e); this.owner.set(e.id, cell); }
          break;
        }
        case "system_prompt": run.system = e; break;
        case "compacted": run.compactions.push(e); break;
        case "limit": run.limits.push(e); break;
        case "answer": run.answer = e; break;
        case "run_end": run.end = e; break;
      }
    }
  }

  // Totals over a subtree, for collapsed headers (computed when drawn: cheap next to drawing).
  function cellTotals(cell) {
    const t = { subcalls: cell.subcalls.length, cached: 0, errors: 0, tokens: 0, cost: 0, children: cell.children.length };
    for (const s of cell.subcalls) {
      if (s.cached) t.cached++;
      if (s.error) t.errors++;
      t.tokens += (s.input_tokens || 0) + (s.output_tokens || 0);
      t.cost += s.cost || 0;
    }
    return t;
  }
  function runTotals(run) {
    const t = { iterations: run.iterations.length, cells: 0, subcalls: 0, children: 0, tokens: 0, cost: 0 };
    const visit = (r) => {
      for (const it of r.iterations) {
        t.tokens += (it.call.input_tokens || 0) + (it.call.output_tokens || 0);
        t.cost += it.call.cost || 0;
        for (const cell of it.cells) {
          t.cells++;
          const c = cellTotals(cell);
          t.subcalls += c.subcalls; t.tokens += c.tokens; t.cost += c.cost; t.children += cell.children.length;
          cell.children.forEach(visit);
        }
      }
    };
    visit(run);
    return t;
  }

  // -- what the reader opened, expanded or paged: kept across live re-renders -------------------
  const ui = { open: new Map(), expanded: new Set(), shown: new Map() };
  const isOpen = (key, byDefault) => (ui.open.has(key) ? ui.open.get(key) : byDefault);

  // A <details> whose body is built the first time it opens: thousands of closed nodes cost nothing.
  function lazyDetails(key, byDefault, attrs, summary, buildBody) {
    const d = h("details", attrs, h("summary", {}, summary));
    let built = false;
    const build = () => { if (!built) { built = true; d.append(buildBody()); } };
    if (isOpen(key, byDefault)) { d.open = true; build(); }
    d.addEventListener("toggle", () => { ui.open.set(key, d.open); if (d.open) build(); });
    return d;
  }

  // Text with the engine's truncation notes marked, folded to `limit` characters until "show all".
  function foldedText(key, text, limit, cls, fences) {
    text = String(text ?? "");
    const pre = h("pre", { class: cls });
    const draw = () => {
      pre.replaceChildren();
      const whole = text.length <= limit || ui.expanded.has(key);
      const shown = whole ? text : text.slice(0, limit);
      fences ? appendFenced(pre, shown) : appendMarked(pre, shown);
      if (text.length > limit) {
        const toggle = () => { whole ? ui.expanded.delete(key) : ui.expanded.add(key); draw(); };
        pre.append(whole ? " " : h("span", { class: "fold-more" }, `… (${int(text.length - limit)} more characters) `),
          h("button", { class: "fold", onclick: toggle }, whole ? "show less" : "show all"));
      }
    };
    draw();
    return pre;
  }

  // A model's reply is prose around ``` fences: the fences are drawn as code (the cells below highlight it).
  const FENCE_RE = /```[^\n`]*\n[\s\S]*?(?:```|$)/g;
  function appendFenced(el, text) {
    let last = 0;
    for (const m of text.matchAll(FENCE_RE)) {
      appendMarked(el, text.slice(last, m.index));
      el.append(h("code", { class: "fence" }, m[0]));
      last = m.index + m[0].length;
    }
    appendMarked(el, text.slice(last));
  }

  const hasNote = (text) => (text || "").search(NOTE_RE) >= 0; // search(): test() would move a /g regex's lastIndex

  function appendMarked(el, text, errorText) {
    let last = 0;
    for (const m of text.matchAll(NOTE_RE)) {
      appendWithError(el, text.slice(last, m.index), errorText);
      el.append(h("mark", { class: "cut", title: "truncated here" }, m[0]));
      last = m.index + m[0].length;
    }
    appendWithError(el, text.slice(last), errorText);
  }

  // A cell's output holds its error ("Error:\n..."): that part is drawn red rather than shown twice.
  function appendWithError(el, text, errorText) {
    const at = errorText ? text.indexOf("Error:\n") : -1;
    if (at < 0) { el.append(text); return; }
    el.append(text.slice(0, at), h("span", { class: "err" }, text.slice(at)));
  }

  // -- the summary header ----------------------------------------------------------------------
  function renderSummary(data, live) {
    const s = data.summary || {};
    const el = document.getElementById("summary");
    if (!s.started) {
      fill(el, h("div", { class: "title-row" }, h("h1", {}, "RLM run"), live ? h("span", { class: "badge live" }, "waiting") : null,
        h("span", { class: "source" }, data.source || "")),
      h("p", { class: "muted" }, live ? "Waiting for a run to write its first event to this log…" : "This log holds no run."));
      return;
    }
    const u = s.usage, total = u.total;
    const status = s.finished ? s.status : live ? "running" : "unfinished"; // an export of a log mid-run is a snapshot
    document.title = `${status} · ${oneLine(s.question, 60)} · rlm view`;
    const ctx = s.context || {};
    const many = data.runs_in_file > 1 ? ` · run ${data.run_number} of ${data.runs_in_file} in this file` : "";
    fill(el,
      h("div", { class: "title-row" },
        h("h1", {}, "RLM run"),
        h("span", { class: `badge ${s.finished ? status : "running"}`, id: "run-status" }, status),
        live && !s.finished ? h("span", { class: "badge live" }, "● live") : null,
        h("span", { class: "source" }, `${data.source || ""}${many}`)),
      h("div", { class: "field" }, h("div", { class: "label" }, "Question"), h("div", { class: "question" }, s.question)),
      h("div", { class: "field" }, h("div", { class: "label" }, "Answer", s.answer_via ? h("span", { class: "muted" }, ` · via ${s.answer_via}`) : null),
        s.answer === null || s.answer === undefined
          ? h("div", { class: "answer-box none", id: "answer" }, s.finished ? "no answer" : "not answered yet")
          : h("div", { class: "answer-box", id: "answer" }, foldedText("answer", s.answer, LONG_FOLD, ""))),
      s.samples ? h("div", { class: "field", id: "samples" }, h("div", { class: "label" },
        `Samples · ${int(s.samples.ran)} of ${int(s.samples.asked)} ran · sample ${s.samples.chosen} chosen`,
        s.samples.stopped ? h("span", { class: "muted" }, ` · stopped by ${s.samples.stopped}`) : null),
        (s.samples.candidates || []).map((c) => h("div", { class: "muted" },
          `${oneLine(c.answer, 120)} · ${plural(c.votes, "vote")} (sample ${c.samples.join(", ")}) · ${c.found ? `found in the ${c.found}` : "found nowhere"}`))) : null,
      s.limit ? h("div", { class: "field limit-line" }, h("b", {}, `Limit ${s.limit} fired`), s.limit_detail ? `: ${s.limit_detail}` : "") : null,
      s.error ? h("div", { class: "field error-line" }, h("b", {}, "Error: "), s.error) : null,
      h("div", { class: "stats" },
        stat(seconds(s.wall_time_s), "wall time"),
        stat(int(s.iterations), "iterations"),
        stat(int(s.cells), "cells"),
        stat(int(s.sub_calls), `sub-calls${total.cache_hits ? ` · ${int(total.cache_hits)} cached` : ""}${total.errors ? ` · ${int(total.errors)} failed` : ""}`),
        stat(int(s.runs - 1), "child runs"),
        stat(`${int(total.input_tokens)} / ${int(total.output_tokens)}`, "tokens in / out"),
        stat(money(total.cost, total.unpriced_calls), "cost"),
        stat(`${ctx.type_name || "?"} · ${int(ctx.chars)} chars`, `context (${int(ctx.est_tokens)} tokens est.)`)),
      h("div", { class: "tables" },
        totalsTable("Per model", "model", u.by_model, total),
        totalsTable("Per depth", "depth", u.by_depth, total)));
  }

  const stat = (value, label) => h("div", { class: "stat" }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));

  function totalsTable(caption, keyName, rows, total) {
    const line = (name, t, cls) => h("tr", { class: cls },
      h("td", {}, name), h("td", {}, int(t.calls)), h("td", {}, int(t.input_tokens)), h("td", {}, int(t.output_tokens)),
      h("td", {}, money(t.cost, t.unpriced_calls)), h("td", {}, t.cache_hits ? int(t.cache_hits) : ""), h("td", {}, t.errors ? int(t.errors) : ""));
    return h("table", { class: "totals", "data-totals": keyName },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ["", "calls", "input", "output", "cost", "cached", "failed"].map((c, i) => h("th", {}, i ? c : keyName)))),
      h("tbody", {}, Object.entries(rows).map(([name, t]) => line(name, t)), line("total", total, "sum")));
  }

  // -- the timeline: bars on one time axis, lanes for parallel calls ----------------------------
  function renderTimeline(data, trajectory) {
    const tl = data.timeline;
    const el = document.getElementById("timeline");
    if (!tl || !tl.rows.length) { el.hidden = true; return; }
    el.hidden = false;
    const span = tl.span_s || 1;
    const pct = (x) => `${(100 * x / span).toFixed(3)}%`;
    const rows = tl.rows.map((row) => {
      const laneHeight = row.lanes <= 6 ? 12 : Math.max(2, Math.floor(96 / row.lanes)); // many lanes: thinner, not taller
      const track = h("div", { class: "tl-track", style: `height:${row.lanes * laneHeight}px` });
      for (const [start, duration, lane, id, note] of row.bars) {
        track.append(h("div", {
          class: `tl-bar tl-${row.kind}${note ? " tl-" + note.replace(/\s/g, "-") : ""}`,
          style: `left:${pct(start)};width:${pct(duration)};top:${lane * laneHeight}px;height:${laneHeight - 1}px`,
          title: `${row.label}: ${seconds(duration)} from ${seconds(start)}${note ? ` (${note})` : ""}`,
          "data-target": id,
          onclick: () => reveal(trajectory, id),
        }));
      }
      return h("div", { class: "tl-row", "data-row": `${row.kind}:${row.depth}` },
        h("div", { class: "tl-label" }, row.label,
          row.lanes > 1 ? h("div", { class: "tl-lanes" }, `${int(row.bars.length)}, up to ${row.lanes} at once`) : null),
        track);
    });
    const ticks = axisTicks(span).map((t) => h("span", { class: "tl-tick", style: `left:${pct(t)}` }, seconds(t)));
    el.replaceChildren(h("h2", {}, "Where the time went"), ...rows, h("div", { class: "tl-axis" }, ticks));
  }

  function axisTicks(span) {
    const raw = span / 6, power = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
    const ticks = [];
    for (let t = 0; t <= span + 1e-9; t += step) ticks.push(t);
    return ticks;
  }

  // -- the tree ----------------------------------------------------------------------------------
  function renderTree(trajectory) {
    const el = document.getElementById("tree");
    const root = trajectory.root;
    if (!root) { el.replaceChildren(); return; }
    fill(el, h("h2", {}, trajectory.samples.length ? "Trajectory · sample 1" : "Trajectory"), runBody(root, true),
      trajectory.samples.length ? h("h2", {}, "Samples 2 and on") : null,
      trajectory.samples.map((run, i) => sampleRunView(run, i + 2)));
  }

  // Self-consistency: another root trajectory of the same question (sample k), folded until opened.
  function sampleRunView(run, k) {
    const t = runTotals(run);
    const status = run.end ? run.end.status : "running";
    const summary = [
      h("span", { class: "name" }, `Sample ${k}`),
      h("span", { class: `badge ${status}` }, status),
      h("span", { class: "question-preview" }, run.end ? oneLine(run.end.answer, 110) : ""),
      h("span", { class: "meta" },
        h("span", {}, plural(t.iterations, "iteration")),
        t.subcalls ? h("span", {}, plural(t.subcalls, "sub-call")) : null,
        h("span", {}, `${int(t.tokens)} tokens`),
        run.end ? h("span", {}, seconds(run.end.wall_time_s)) : null),
    ];
    return lazyDetails(`run:${run.id}`, false, { class: "child-run", "data-run": run.id, "data-event": run.start.id }, summary, () => runBody(run, true));
  }

  function runBody(run, isRoot) {
    const parts = run.iterations.map((it) => iterationView(it, isRoot));
    if (!isRoot && run.start) {
      parts.unshift(h("div", { class: "block" }, h("div", { class: "label" }, "Question of this child run"),
        foldedText(`q:${run.id}`, run.start.question, LONG_FOLD, "text reply")));
    }
    if (run.system) {
      parts.unshift(lazyDetails(`system:${run.id}`, false, { class: "group", "data-system": run.id },
        [h("span", {}, "System prompt"), h("span", { class: "meta" }, `${int(run.system.content.length)} characters`)],
        () => foldedText(`system:${run.id}`, run.system.content, LONG_FOLD, "text")));
    }
    for (const c of run.compactions) {
      // Where the root's history was folded to fit its window (compaction.py): the later turns saw the note.
      parts.push(h("div", { class: "block compacted", "data-event": c.id },
        h("span", { class: "badge limit" }, `history compacted (${c.mode})`),
        h("span", { class: "muted" }, ` before iteration ${c.iteration}: ${plural(c.turns, "turn")} folded, ` +
          `${int(c.tokens_before)} → ${int(c.tokens_after)} tokens`)));
    }
    if (run.stray.length) parts.push(h("div", { class: "block" }, run.stray.map(cellView)));
    parts.push(runEnd(run));
    return h("div", { class: isRoot ? "root-run" : "child-run-body", "data-run": run.id }, parts);
  }

  function runEnd(run) {
    const items = [];
    for (const limit of run.limits) items.push(h("span", { class: "badge limit" }, `limit ${limit.limit}`), h("span", { class: "muted" }, limit.detail));
    if (run.end) {
      items.push(h("span", { class: `badge ${run.end.status}` }, run.end.status), h("span", { class: "muted" }, `after ${seconds(run.end.wall_time_s)}`));
      if (run.end.error) items.push(h("span", { class: "err" }, run.end.error));
    } else items.push(h("span", { class: "badge running" }, "running"));
    if (run.answer) items.push(h("span", {}, h("b", {}, "answer "), h("span", { class: "muted" }, `(${run.answer.via}) `), oneLine(run.answer.answer, 200)));
    return h("div", { class: "run-end" }, items);
  }

  function iterationView(it, inRoot) {
    const call = it.call;
    const cellTotalsList = it.cells.map(cellTotals);
    const subcalls = cellTotalsList.reduce((n, t) => n + t.subcalls, 0);
    const children = cellTotalsList.reduce((n, t) => n + t.children, 0);
    const failed = it.cells.filter((c) => c.end && c.end.error).length;
    const running = it.cells.some((c) => !c.end);
    const summary = [
      h("span", { class: "name" }, call.answer_now ? "Answer-now turn" : call.aside ? "Second program (beside the history)" : `Iteration ${call.iteration}`),
      h("span", { class: "meta" },
        h("span", {}, seconds(call.duration_s)),
        h("span", {}, `${int(call.input_tokens)} → ${int(call.output_tokens)} tokens`),
        h("span", {}, money(call.cost)),
        it.cells.length ? h("span", {}, plural(it.cells.length, "cell")) : null,
        subcalls ? h("span", {}, plural(subcalls, "sub-call")) : null,
        children ? h("span", {}, plural(children, "child run")) : null),
      failed ? h("span", { class: "badge error" }, `${failed} failed`) : null,
      running ? h("span", { class: "badge running" }, "running") : null,
      h("span", { class: "muted" }, call.model),
    ];
    return lazyDetails(it.id, true, { class: "iteration", "data-event": it.id }, summary, () => h("div", { class: "iteration-body" },
      lazyDetails(`prompt:${it.id}`, false, { class: "block prompt-block" },
        [h("span", {}, "What the model was shown this turn"), h("span", { class: "muted" }, `${int(call.prompt.length)} chars`)],
        () => foldedText(`prompt:${it.id}`, call.prompt, LONG_FOLD, "text")),
      h("div", { class: "block" }, h("div", { class: "label" }, "Reply"), foldedText(`reply:${it.id}`, call.reply, LONG_FOLD, "text reply", true)),
      it.cells.map(cellView)));
  }

  function cellView(cell) {
    const end = cell.end;
    const t = cellTotals(cell);
    const errorName = end && end.error ? oneLine(end.error.split("\n").filter(Boolean).pop(), 80) : null;
    const head = h("div", { class: "cell-head" },
      h("span", { class: "name" }, `Cell ${cell.start.index}`),
      h("span", { class: "meta" }, end ? h("span", {}, seconds(end.duration_s)) : null,
        end && end.output_chars ? h("span", {}, `${int(end.output_chars)} chars printed`) : null),
      end ? null : h("span", { class: "badge running" }, "running"),
      end && end.timed_out ? h("span", { class: "badge error" }, "timed out") : null,
      errorName ? h("span", { class: "badge error", title: end.error }, errorName) : null);
    const output = end ? h("div", { class: "block" },
      h("div", { class: "label" }, "Output", hasNote(end.output) ? h("span", { class: "badge limit" }, "cut for the model") : null),
      outputView(cell)) : null;
    return h("div", { class: "cell", "data-event": cell.id }, head,
      h("pre", { class: "code" }, codeNode(cell.start.code)),
      output,
      cell.children.map(childRunView),
      cell.toolcalls.length ? toolcallList(cell) : null,
      t.subcalls || cell.queued ? subcallGroup(cell, t) : null);
  }

  // The user's own functions (RLM(tools=...)) a cell called: name(arguments) -> result, or the error.
  function toolcallList(cell) {
    const rows = cell.toolcalls.map((e) => h("div", { class: "toolcall", "data-event": e.id },
      h("span", { class: "name" }, `${e.tool}(${oneLine(e.arguments, 160)})`),
      e.error ? h("span", { class: "badge error", title: e.error }, oneLine(e.error, 80))
        : h("span", { class: "muted" }, ` → ${oneLine(e.result, 200)}`),
      h("span", { class: "meta" }, seconds(e.duration_s))));
    return h("div", { class: "block toolcalls" }, h("div", { class: "label" }, plural(rows.length, "tool call")), rows);
  }

  function codeNode(code) {
    const span = document.createElement("code");
    span.innerHTML = highlightPython(code); // the tokenizer escapes every character it emits
    return span;
  }

  function outputView(cell) {
    const end = cell.end;
    const pre = h("pre", { class: "output" });
    const text = end.output || "";
    const key = `out:${cell.id}`;
    const whole = text.length <= LONG_FOLD || ui.expanded.has(key);
    appendMarked(pre, whole ? text : text.slice(0, LONG_FOLD), end.error);
    if (!whole) pre.append(h("span", { class: "fold-more" }, "… "), h("button", { onclick: () => { ui.expanded.add(key); pre.replaceWith(outputView(cell)); } }, "show all"));
    return pre;
  }

  function childRunView(run) {
    const t = runTotals(run);
    const status = run.end ? run.end.status : "running";
    const summary = [
      h("span", { class: "name" }, `Child run · depth ${run.start.depth}`),
      h("span", { class: `badge ${status}` }, status),
      h("span", { class: "question-preview" }, oneLine(run.start.question, 110)),
      h("span", { class: "meta" },
        h("span", {}, plural(t.iterations, "iteration")),
        t.subcalls ? h("span", {}, plural(t.subcalls, "sub-call")) : null,
        t.children ? h("span", {}, plural(t.children, "child run")) : null,
        h("span", {}, `${int(t.tokens)} tokens`),
        run.end ? h("span", {}, seconds(run.end.wall_time_s)) : null),
    ];
    return lazyDetails(`run:${run.id}`, false, { class: "child-run", "data-run": run.id, "data-event": run.start.id }, summary, () => runBody(run, false));
  }

  function subcallGroup(cell, t) {
    const kinds = Object.entries(cell.kinds).map(([k, n]) => `${k} ×${int(n)}`).join(", ");
    const summary = [
      // An rlm_query is a sub-call too: it shows as a child run, not a sub_call event.
      h("span", {}, plural(t.subcalls + t.children, "sub-call")),
      h("span", { class: "meta" },
        kinds ? h("span", {}, kinds) : null,
        cell.queued > t.subcalls + t.children && !cell.end ? h("span", {}, `${int(cell.queued - t.subcalls - t.children)} in flight`) : null,
        t.cached ? h("span", {}, `${int(t.cached)} cached`) : null,
        t.errors ? h("span", { class: "err" }, `${int(t.errors)} failed`) : null,
        h("span", {}, `${int(t.tokens)} tokens`),
        h("span", {}, money(t.cost))),
    ];
    return lazyDetails(`subs:${cell.id}`, false, { class: "group", "data-subcalls": cell.id }, summary, () => subcallList(cell));
  }

  // A window [from, to) of a cell's sub-calls: "show more" widens it downwards, "show earlier" upwards,
  // and a timeline click centres it on one call, so a click on call 4,000 draws 50 cards, not 4,000.
  function subcallList(cell) {
    const box = h("div", { class: "subcalls" });
    const count = cell.subcalls.length;
    const draw = () => {
      const range = ui.shown.get(cell.id) || { from: 0, to: SUBCALL_PAGE };
      const from = Math.min(range.from, count), to = Math.min(Math.max(range.to, from), count);
      const show = (next) => { ui.shown.set(cell.id, next); draw(); };
      const rows = cell.subcalls.slice(from, to).map((s, i) => subcallView(s, from + i + 1));
      const note = `${int(to - from)} of ${int(count)} shown`;
      const earlier = from > 0 ? h("div", { class: "more-row" }, note,
        h("button", { onclick: () => show({ from: Math.max(0, from - SUBCALL_PAGE), to }) }, `show ${int(Math.min(SUBCALL_PAGE, from))} earlier`),
        h("button", { onclick: () => show({ from: 0, to }) }, "show all earlier")) : null;
      const later = to < count ? h("div", { class: "more-row" }, note,
        h("button", { onclick: () => show({ from, to: to + SUBCALL_PAGE }) }, `show ${int(Math.min(SUBCALL_PAGE, count - to))} more`),
        h("button", { onclick: () => show({ from, to: count }) }, "show all")) : null;
      fill(box, earlier, rows, later);
    };
    draw();
    return box;
  }


  function subcallView(s, number) {
    const state = s.error ? "failed" : s.cached ? "cached" : "";
    return h("div", { class: `subcall ${state}`, "data-event": s.id },
      h("div", { class: "subcall-head" },
        h("span", { class: "name" }, `#${number}`),
        h("span", {}, s.model),
        h("span", { class: "meta" },
          h("span", {}, `${int(s.input_tokens)} → ${int(s.output_tokens)} tokens`),
          h("span", {}, seconds(s.duration_s)),
          s.cost ? h("span", {}, money(s.cost)) : null,
          s.prompt_chars > s.prompt.length ? h("span", {}, `prompt ${int(s.prompt_chars)} chars (head and tail logged)`) : null),
        s.cached ? h("span", { class: "badge cached" }, "cache hit") : null,
        s.error ? h("span", { class: "badge error" }, "error") : null),
      h("div", { class: "io" },
        h("div", { class: "label" }, "prompt"), foldedText(`p:${s.id}`, s.prompt, SHORT_FOLD, ""),
        s.error ? [h("div", { class: "label err" }, "error"), h("pre", { class: "err" }, s.error)]
          : [h("div", { class: "label" }, "reply"), foldedText(`r:${s.id}`, s.reply, SHORT_FOLD, "")]));
  }

  // -- a click on the timeline opens everything above the event, then scrolls to it ------------
  function reveal(trajectory, id) {
    const node = trajectory.owner.get(id);
    if (!node) return;
    const cell = node.start ? node : null; // a cell (for a cell or one of its sub-calls), or an iteration
    if (cell && cell.id !== id) {
      ui.open.set(`subs:${cell.id}`, true);
      const index = cell.subcalls.findIndex((s) => s.id === id);
      const range = ui.shown.get(cell.id) || { from: 0, to: SUBCALL_PAGE };
      if (index < range.from || index >= range.to) {
        const from = Math.max(0, index - Math.floor(SUBCALL_PAGE / 2));
        ui.shown.set(cell.id, { from, to: from + SUBCALL_PAGE });
      }
    }
    let run = node.run;
    ui.open.set(cell ? cell.iteration && cell.iteration.id : node.id, true);
    while (run && run.cell) {
      ui.open.set(`run:${run.id}`, true);
      if (run.cell.iteration) ui.open.set(run.cell.iteration.id, true);
      run = run.cell.run;
    }
    renderTree(trajectory);
    const target = document.querySelector(`[data-event="${CSS.escape(id)}"]`);
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.classList.add("flash");
      setTimeout(() => target.classList.remove("flash"), 1700);
    }
  }

  // -- start: an exported page has its data inline; a served one polls the server -----------------
  const trajectory = new Trajectory();
  let header = {};

  function renderAll(live) {
    renderSummary(header, live);
    renderTimeline(header, trajectory);
    renderTree(trajectory);
  }

  async function poll() {
    let finished = false;
    try {
      const response = await fetch(`events?after=${trajectory.events.length}`, { cache: "no-store" });
      const data = await response.json();
      if (data.next < trajectory.events.length) { location.reload(); return; } // the log was rewritten
      trajectory.add(data.events);
      if (data.summary) header = data;
      if (data.events.length || data.summary) renderAll(true);
      finished = Boolean(header.summary && header.summary.finished);
      document.body.dataset.state = finished ? "finished" : "live";
    } catch (error) {
      document.body.dataset.state = "disconnected"; // the server went away: keep trying quietly
    }
    if (!finished) setTimeout(poll, POLL_MS);
  }

  const inline = document.getElementById("rlm-data");
  if (inline) {
    header = JSON.parse(inline.textContent);
    trajectory.add(header.events);
    renderAll(false);
    document.body.dataset.state = "finished";
  } else {
    poll();
  }
  window.rlmViewer = { trajectory, highlightPython, reveal: (id) => reveal(trajectory, id) }; // for tests and the curious
})();
