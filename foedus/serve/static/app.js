// foedus treaty explorer. Everything read from the server is put into the page as text (textContent),
// never as markup, except the chart: an SVG the server builds with every value escaped.
"use strict";

const $ = (id) => document.getElementById(id);
const S = {
  catalog: null,    // /api/catalog
  info: null,       // /api/treaty for the chosen treaty
  range: null,      // {start, end} of the slider
  on: null,         // the date shown (YYYY-MM-DD)
  extra: [],        // what-if events
  seq: 0,           // the latest status request; older answers are dropped
  chartSeq: 0,
  chartKey: "",
  vocab: {},
};

// ---- helpers ------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

function slug(state) {
  return String(state).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "none";
}

function badge(state, text) {
  return el("span", { class: "badge st-" + slug(state), "data-state": state }, text || state);
}

function toDays(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  t.setUTCHours(0, 0, 0, 0);
  return Math.round(t.getTime() / 86400000);
}

function fromDays(n) {
  const t = new Date(n * 86400000);
  const y = t.getUTCFullYear();
  const pad = (x, w) => String(x).padStart(w, "0");
  return `${pad(y, 4)}-${pad(t.getUTCMonth() + 1, 2)}-${pad(t.getUTCDate(), 2)}`;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

// A day written YYYY-MM-DD that the calendar has (not 1979-02-30); null otherwise.
function isoDay(text) {
  const t = String(text || "").trim();
  if (!ISO_DAY.test(t)) return null;
  return fromDays(toDays(t)) === t ? t : null;
}

function params() {
  return {
    treaty: $("treaty").value,
    timeline: $("timeline").value,
    reading: $("reading").value.trim() || "default",
  };
}

async function api(path, query, body) {
  let resp;
  try {
    if (body !== undefined) {
      resp = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                                 body: JSON.stringify(body) });
    } else {
      resp = await fetch(path + "?" + new URLSearchParams(query || {}).toString());
    }
  } catch (e) {
    throw new Error("the server does not answer (" + e.message + ")");
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok || data === null || (data && data.error)) {
    throw new Error((data && data.error) || ("the server answered " + resp.status));
  }
  return data;
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
  document.body.dataset.error = "true";
}

function clearError() {
  const box = $("error");
  box.textContent = "";
  box.hidden = true;
  delete document.body.dataset.error;
}

function syncUrl() {
  const q = new URLSearchParams({ ...params(), on: S.on || "" });
  history.replaceState(null, "", "?" + q.toString());
  const r = new URLSearchParams({ ...params(), on: S.on || "" });
  $("report-link").href = "/report?" + r.toString();
}

// ---- loading ------------------------------------------------------------------------------

function fill(select, items, chosen) {
  select.replaceChildren();
  for (const it of items) select.append(el("option", { value: it.value, title: it.title }, it.label));
  if (chosen !== undefined && items.some((it) => it.value === chosen)) select.value = chosen;
}

async function loadCatalog(chosenTimeline) {
  S.catalog = await api("/api/catalog");
  const cat = S.catalog;
  const url = new URLSearchParams(location.search);
  if (!$("treaty").options.length) {
    const treaties = cat.treaties.map((t) => ({ value: t.file, label: t.title ? `${t.title} (${t.file})` : t.file,
                                                title: t.error || t.id }));
    // A treaty named in the address is offered even when it is not in the list, so that the
    // server can say what is wrong with it.
    const wanted = url.get("treaty");
    if (wanted && !treaties.some((t) => t.value === wanted)) treaties.push({ value: wanted, label: wanted });
    fill($("treaty"), treaties, wanted || undefined);
    const types = Object.values(cat.vocabulary);
    S.vocab = Object.fromEntries(types.map((k) => [k.name, k]));
    fill($("ev-type"), types.map((k) => ({ value: k.name, label: k.name, title: k.says })));
    describeType();
    if (!cat.saving) {
      $("save").disabled = true;
      $("save-name").disabled = true;
      $("save-msg").textContent = "Saving is off: start the server with a scenarios folder to save scenarios.";
    }
  }
  const timelines = [{ value: "none", label: "no events" }].concat(
    cat.timelines.map((t) => ({ value: t.file, label: t.label })));
  const wantedTl = chosenTimeline || url.get("timeline");
  if (wantedTl && !timelines.some((t) => t.value === wantedTl)) timelines.push({ value: wantedTl, label: wantedTl });
  fill($("timeline"), timelines, wantedTl || (timelines[1] ? timelines[1].value : "none"));
}

async function loadTreaty() {
  S.info = null;
  $("articles").replaceChildren();
  const info = await api("/api/treaty", { treaty: $("treaty").value });
  S.info = info;
  const dl = $("readings");
  dl.replaceChildren(...info.readings.map((r) => el("option", { value: r })));
  renderArticles(info);
}

function renderArticles(info) {
  const box = $("articles");
  box.replaceChildren();
  for (const a of info.articles) {
    const heading = a.id === "preamble" ? "Preamble" : a.id === "final" ? "Final clause" : a.heading;
    const text = el("div", { class: "text" }, el("h3", {}, heading));
    for (const p of a.paragraphs) text.append(el("p", {}, p.replace(/\*\*(.+?)\*\*/g, "$1")));
    const aside = el("aside", { "aria-label": heading + ": norms" });
    if (a.id === info.lifecycle_article) {
      aside.append(el("div", { class: "norm", "data-lifecycle": "treaty" }, el("h4", {}, "Lifecycle"),
        el("div", { class: "slot", "data-slot": "::treaty" })));
    }
    for (const n of info.norms.filter((n) => n.article === a.id)) {
      aside.append(el("div", { class: "norm", "data-norm": n.id },
        el("h4", {}, n.id + " ", el("span", { class: "muted" }, "(" + n.kind + ")")),
        el("p", {}, n.summary),
        el("div", { class: "slot", "data-slot": n.id })));
    }
    if (!aside.children.length) aside.append(el("p", { class: "muted small" }, "No norm is modelled in this part."));
    box.append(el("section", { class: "article", "data-article": a.id }, text, aside));
  }
}

// ---- the status on a date -----------------------------------------------------------------

async function update(opts) {
  const my = ++S.seq;
  const p = params();
  syncUrl();
  let data;
  try {
    if (S.extra.length) {
      data = await api("/api/status", undefined, { ...p, on: S.on || "", events: S.extra });
    } else {
      const q = { ...p };
      if (S.on) q.on = S.on;
      data = await api("/api/status", q);
    }
  } catch (e) {
    if (my !== S.seq) return false;
    showError(e.message);
    document.body.dataset.ready = "error";
    return false;
  }
  if (my !== S.seq) return true;
  clearError();
  S.on = data.status.as_of;
  setRange(data.range, data.key_dates);
  render(data);
  syncUrl();
  document.body.dataset.ready = "true";
  document.body.dataset.on = S.on;
  document.body.dataset.treaty = p.treaty;
  document.body.dataset.timeline = p.timeline;
  if (opts && opts.chart) loadChart();
  else moveCursor();
  return true;
}

function setRange(range, keyDates) {
  const same = S.range && S.range.start === range.start && S.range.end === range.end;
  S.range = range;
  const start = toDays(range.start);
  const slider = $("slider");
  if (!same) {
    slider.dataset.start = range.start;
    slider.dataset.end = range.end;
    slider.min = "0";
    slider.max = String(toDays(range.end) - start);
  }
  slider.value = String(toDays(S.on) - start);
  $("date-label").textContent = S.on;
  $("date-input").value = S.on;
  const ticks = $("ticks");
  const jumps = $("jumps");
  ticks.replaceChildren();
  jumps.replaceChildren();
  const seen = new Set();
  for (const k of keyDates || []) {
    ticks.append(el("option", { value: String(toDays(k.date) - start) }));
    const key = k.name + k.date;
    if (seen.has(key)) continue;
    seen.add(key);
    const b = el("button", { type: "button", "data-date": k.date, "data-kind": k.kind, title: k.detail },
      `${k.name} ${k.date}`);
    b.addEventListener("click", () => go(k.date));
    jumps.append(b);
  }
}

// The norms table's columns, as its heading names them: on a phone each row is a card, each cell under its name.
const COLS = [...document.querySelectorAll("#norms thead th")].map((th) => th.textContent);

function cell(k, v) {
  return el("div", {}, el("span", { class: "k" }, k), el("span", { class: "v" }, v));
}

function render(data) {
  const st = data.status;
  for (const n of document.querySelectorAll(".on-date")) n.textContent = st.as_of;
  const sum = $("summary");
  sum.replaceChildren();
  sum.dataset.state = st.state;
  sum.append(cell("state", badge(st.state)));
  sum.append(cell("in force", st.in_force ? "yes" : "no"));
  sum.append(cell("signed", st.signed_on || "—"));
  sum.append(cell("entry into force", st.entry_into_force || "—"));
  if (st.current_term) {
    sum.append(cell(`term ${st.current_term.number}`, `${st.current_term.start} – ${st.current_term.end || "open"}`));
  }
  if (st.notice_deadline) sum.append(cell("notice deadline", st.notice_deadline));
  if (st.ends_on) sum.append(cell("ends", `${st.ends_on} — ${st.end_reason || ""}`));
  else if (st.expires_on) sum.append(cell("term ends", `${st.expires_on} unless extended`));
  if (st.next_deadline) sum.append(cell("next deadline", st.next_deadline));
  sum.append(cell("reading", st.reading));

  const changes = $("changes-on-day");
  changes.replaceChildren();
  if (data.changes_on_day && data.changes_on_day.length) {
    const ul = el("ul");
    for (const c of data.changes_on_day) {
      ul.append(el("li", { "data-subject": c.subject }, `${c.label || c.subject}: ${c.before} → `, badge(c.after),
        ` (${c.because})`));
    }
    changes.append(el("strong", {}, "On this day:"), ul);
  }

  // Every norm of the model: its instances on the date, or why it has none.
  const tbody = $("norms").querySelector("tbody");
  tbody.replaceChildren();
  const byNorm = {};
  for (const i of st.norms) (byNorm[i.norm] = byNorm[i.norm] || []).push(i);
  const norms = S.info ? S.info.norms : Object.keys(byNorm).map((id) => ({ id, summary: "", trigger: null }));
  const changed = new Set(((data.diff && data.diff.norms) || []).map((d) => d.id));
  for (const n of norms) {
    const insts = byNorm[n.id] || [];
    const slot = document.querySelector(`[data-slot="${CSS.escape(n.id)}"]`);
    if (slot) slot.replaceChildren();
    if (!insts.length) {
      const why = !st.in_force && !n.trigger ? "not in effect: the treaty is not in force"
        : n.trigger ? `not present: triggered by ${n.trigger.join(", ")}; no instance on this date`
        : "not present";
      tbody.append(el("tr", { "data-norm": n.id, "data-state": "absent" },
        el("td", { "data-label": COLS[0] }, n.id), el("td", { "data-label": COLS[1] }, badge("absent", "not present")),
        el("td", { "data-label": COLS[2] }, ""), el("td", { "data-label": COLS[3] }, ""),
        el("td", { "data-label": COLS[4] }, n.article || ""), el("td", { class: "muted", "data-label": COLS[5] }, why)));
      if (slot) slot.append(badge("absent", "not present"), el("span", { class: "muted small" }, why));
      continue;
    }
    for (const i of insts) {
      // The day it entered its state, as the server (and the command line) says: a further breach is a
      // finding, not a change, and does not move it.
      const since = i.since || i.created_on;
      const row = el("tr", { "data-instance": i.id, "data-norm": n.id, "data-state": i.state,
                             class: changed.has(i.id) ? "changed" : null },
        el("td", { "data-label": COLS[0] }, i.id), el("td", { "data-label": COLS[1] }, badge(i.state)),
        el("td", { class: "date", "data-label": COLS[2] }, since),
        el("td", { "data-label": COLS[3] }, `${i.bearer} → ${i.counterparty}`),
        el("td", { "data-label": COLS[4] }, i.article || ""),
        el("td", { "data-label": COLS[5] }, i.summary + (i.deadline ? ` (deadline ${i.deadline})` : "")));
      tbody.append(row);
      if (slot) slot.append(el("span", { "data-instance": i.id }, `${i.bearer}: `, badge(i.state)));
    }
  }
  const tslot = document.querySelector('[data-slot="::treaty"]');
  if (tslot) {
    tslot.replaceChildren(badge(st.state), el("span", { class: "muted small" },
      st.current_term ? `term ${st.current_term.number} ends ${st.current_term.end || "—"}` : ""));
  }
  renderDiff(data);
}

// ---- the chart ----------------------------------------------------------------------------

async function loadChart() {
  const p = params();
  const key = JSON.stringify([p, S.extra]);
  // Counted before the shortcut below: an answer still on its way is for other inputs, and must not
  // replace the chart that already shows these.
  const my = ++S.chartSeq;
  if (key === S.chartKey && $("chart").firstChild) { moveCursor(); return; }
  try {
    const data = S.extra.length ? await api("/api/chart", undefined, { ...p, events: S.extra })
      : await api("/api/chart", p);
    if (my !== S.chartSeq) return;
    S.chartKey = key;
    // The server escapes every value in the SVG; it is markup we trust.
    $("chart").innerHTML = data.svg;
    $("chart").dataset.treaty = p.treaty;
    const svg = $("chart").querySelector("svg");
    if (svg) svg.addEventListener("click", chartClick);
    moveCursor();
  } catch (e) {
    if (my !== S.chartSeq) return;
    S.chartKey = "";
    $("chart").replaceChildren(el("p", { class: "muted" }, "No chart: " + e.message));
  }
}

function chartGeometry(svg) {
  return { start: toDays(svg.dataset.start), end: toDays(svg.dataset.end),
           x0: Number(svg.dataset.x0), x1: Number(svg.dataset.x1) };
}

function moveCursor() {
  const svg = $("chart").querySelector("svg");
  const line = svg && svg.querySelector("#chart-cursor line");
  if (!line || !S.on) return;
  const g = chartGeometry(svg);
  const d = Math.min(Math.max(toDays(S.on), g.start), g.end);
  const x = g.x0 + (d - g.start) / Math.max(g.end - g.start, 1) * (g.x1 - g.x0);
  line.setAttribute("x1", x.toFixed(1));
  line.setAttribute("x2", x.toFixed(1));
}

function chartClick(evt) {
  const svg = evt.currentTarget;
  const pt = svg.createSVGPoint();
  pt.x = evt.clientX;
  pt.y = evt.clientY;
  const p = pt.matrixTransform(svg.getScreenCTM().inverse());
  const g = chartGeometry(svg);
  if (p.x < g.x0 || p.x > g.x1) return;
  const day = Math.round(g.start + (p.x - g.x0) / (g.x1 - g.x0) * (g.end - g.start));
  go(fromDays(day));
}

// ---- moving in time -----------------------------------------------------------------------

let timer = null;

function go(iso) {
  if (!S.range) return;
  const start = toDays(S.range.start);
  const n = Math.min(Math.max(toDays(iso), start), toDays(S.range.end));
  S.on = fromDays(n);
  $("slider").value = String(n - start);
  $("date-label").textContent = S.on;
  $("date-input").value = S.on;
  moveCursor();
  clearTimeout(timer);
  timer = setTimeout(() => update(), 40);
}

$("slider").addEventListener("input", () => {
  if (!S.range) return;
  go(fromDays(toDays(S.range.start) + Number($("slider").value)));
});
$("date-input").addEventListener("change", () => {
  const day = isoDay($("date-input").value);
  if (day) { clearError(); go(day); }
  else showError(`"${$("date-input").value}" is not a date: write it YYYY-MM-DD`);
});
for (const b of document.querySelectorAll("button.step")) {
  b.addEventListener("click", () => { if (S.on) go(fromDays(toDays(S.on) + Number(b.dataset.step))); });
}

// ---- what if ------------------------------------------------------------------------------

function describeType() {
  const k = S.vocab[$("ev-type").value];
  const help = $("ev-help");
  if (!k) { help.textContent = ""; return; }
  const range = (r) => r[1] === null ? `${r[0]} or more` : r[0] === r[1] ? `${r[0]}` : `${r[0]} to ${r[1]}`;
  let text = `${k.name}: ${k.says}. Actors: ${range(k.actors)}; targets: ${range(k.targets)}.`;
  text += k.attributes.length ? ` Attributes: ${k.attributes.join(", ")}.` : " No attributes.";
  if (k.treaty === "required") text += " It is an act under the chosen treaty.";
  help.textContent = text;
}
$("ev-type").addEventListener("change", describeType);

function readAttributes(text) {
  const out = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const m = line.match(/^\s*([^:=]+?)\s*[:=]\s*(.*)$/);
    if (!m) throw new Error(`attribute line "${line.trim()}" is not "name: value"`);
    out[m[1]] = m[2];
  }
  return out;
}

function describeEvent(e) {
  let s = `${e.date} ${e.type}`;
  if (e.actors) s += ` — ${e.actors}`;
  if (e.targets) s += ` → ${e.targets}`;
  const attrs = Object.entries(e.attributes || {}).map(([k, v]) => `${k}: ${v}`).join("; ");
  if (attrs) s += ` (${attrs})`;
  return s;
}

function renderAdded() {
  const ul = $("added");
  ul.replaceChildren();
  if (!S.extra.length) { ul.append(el("li", { class: "muted" }, "none")); return; }
  S.extra.forEach((e, i) => {
    const b = el("button", { type: "button", "aria-label": `remove added event ${i + 1}` }, "Remove");
    b.addEventListener("click", async () => {
      S.extra.splice(i, 1);
      renderAdded();
      await update({ chart: true });
    });
    ul.append(el("li", { "data-added": String(i + 1) }, describeEvent(e), b));
  });
}

function renderDiff(data) {
  const box = $("diff");
  box.replaceChildren();
  if (!data.diff) return;
  const d = data.diff;
  box.append(el("h3", {}, `What the added events change (as of ${data.status.as_of})`));
  if (!d.treaty.length && !d.norms.length) {
    box.append(el("p", { class: "muted", "data-diff": "none" }, "Nothing differs on this date."));
  } else {
    const table = el("table", { "data-diff": "date" }, el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Treaty or norm"), el("th", { scope: "col" }, "Without the added events"),
      el("th", { scope: "col" }, "With them"))));
    const tb = el("tbody");
    for (const f of d.treaty) {
      tb.append(el("tr", { "data-field": f.field }, el("td", {}, `treaty: ${f.field}`),
        el("td", {}, String(f.without ?? "—")), el("td", {}, String(f.with ?? "—"))));
    }
    for (const n of d.norms) {
      tb.append(el("tr", { "data-instance": n.id }, el("td", {}, n.id),
        el("td", {}, n.without ? badge(n.without) : "not present"), el("td", {}, n.with ? badge(n.with) : "not present")));
    }
    table.append(tb);
    box.append(table);
  }
  const list = (title, items, attr) => {
    if (!items.length) return;
    const ul = el("ul", { "data-changes": attr });
    for (const c of items.slice(0, 40)) {
      ul.append(el("li", {}, `${c.date} ${c.label || c.subject}: ${c.before} → `, badge(c.after), ` (${c.because})`));
    }
    if (items.length > 40) ul.append(el("li", { class: "muted" }, `… and ${items.length - 40} more`));
    box.append(el("p", {}, el("strong", {}, title)), ul);
  };
  list("Over the whole timeline, changes that happen only with the added events:", d.changes.only_with, "only-with");
  list("… and only without them:", d.changes.only_without, "only-without");
}

$("event-form").addEventListener("submit", async (evt) => {
  evt.preventDefault();
  let attributes;
  try { attributes = readAttributes($("ev-attributes").value); } catch (e) { showError(e.message); return; }
  const written = $("ev-date").value.trim();
  if (written && !isoDay(written)) { showError(`"${written}" is not a date: write it YYYY-MM-DD`); return; }
  const event = {
    date: written || S.on,
    type: $("ev-type").value,
    actors: $("ev-actors").value.trim(),
    targets: $("ev-targets").value.trim(),
    attributes,
  };
  if ($("ev-source").value.trim()) event.source = $("ev-source").value.trim();
  // Ask first: an event the server refuses is not added, and its message is shown.
  try {
    await api("/api/status", undefined, { ...params(), on: S.on || "", events: S.extra.concat([event]) });
  } catch (e) {
    showError(e.message);
    return;
  }
  S.extra.push(event);
  renderAdded();
  await update({ chart: true });
});

$("ev-clear").addEventListener("click", async () => {
  S.extra = [];
  renderAdded();
  await update({ chart: true });
});

$("save-form").addEventListener("submit", async (evt) => {
  evt.preventDefault();
  const msg = $("save-msg");
  msg.textContent = "";
  try {
    const data = await api("/api/save-scenario", undefined,
      { ...params(), events: S.extra, name: $("save-name").value, on: S.on || "" });
    clearError();
    await loadCatalog($("timeline").value);
    msg.textContent = `Saved as ${data.saved} (${data.events} events). It is now in the timeline list.`;
  } catch (e) {
    showError(e.message);
  }
});

// ---- choosing inputs ----------------------------------------------------------------------

// A timeline for the chosen treaty: the one chosen when its events name the treaty, else the first that
// does; none when no timeline does, with a note that says why.
function pickTimeline() {
  const note = $("timeline-note");
  note.hidden = true;
  note.textContent = "";
  if (!S.info) return;
  const usable = S.info.timelines || [];
  const select = $("timeline");
  if (usable.includes(select.value)) return;
  if (usable.length) {
    select.value = usable[0];
  } else {
    select.value = "none";
    note.textContent = S.info.timeline_note || "No timeline names this treaty: it is shown with no events.";
    note.hidden = false;
  }
}

$("treaty").addEventListener("change", async () => {
  S.extra = [];
  S.range = null;
  S.on = null;
  renderAdded();
  clearError();
  try { await loadTreaty(); } catch (e) { showError(e.message); }
  pickTimeline();
  await update({ chart: true });
});
$("timeline").addEventListener("change", () => { $("timeline-note").hidden = true; update({ chart: true }); });
$("reading").addEventListener("change", () => update({ chart: true }));
$("pick").addEventListener("submit", (evt) => { evt.preventDefault(); update({ chart: true }); });

async function start() {
  const url = new URLSearchParams(location.search);
  if (url.get("reading")) $("reading").value = url.get("reading");
  if (url.get("on")) S.on = url.get("on");
  try {
    await loadCatalog();
  } catch (e) {
    showError(e.message);
    return;
  }
  if (!$("treaty").value) { showError("no treaty files in the treaties folder"); return; }
  try { await loadTreaty(); } catch (e) { showError(e.message); }
  if (!url.get("timeline")) pickTimeline();  // a timeline named in the address is kept, right or wrong
  const ok = await update({ chart: true });
  if (!ok && S.on) {
    // A bad date in the address: fall back to the default date.
    S.on = null;
  }
  $("ev-date").value = S.on || "";
}

start();
