// The first half of an lrsim report page's script: shared helpers, the header and the summary
// tables. report-html.ts inlines it, then report-charts.js, inside one function, after uPlot.
// It runs in the browser, offline, and draws everything from the JSON in
// <script id="lrsim-data">. Every string from the database goes into the page through
// textContent, never as HTML, so a run name cannot inject markup.
const data = JSON.parse(document.getElementById("lrsim-data").textContent);
const app = document.getElementById("app");
const palette = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
  "#bcbd22",
];
const colorOf = (i) => palette[i % palette.length];
// One colour per schedule, whatever its seeds: the summary's order picks it.
const scheduleIndex = new Map(data.schedules.map((s) => [s.schedule, s.index]));
const runColor = (run) => colorOf(scheduleIndex.get(run.schedule) ?? 0);
const many = (n, one, more = `${one}s`) => `${n} ${n === 1 ? one : more}`;

/** Creates an element with text content (never HTML) and optional attributes. */
function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}
const finite = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const percent = (v) => (finite(v) === null ? "" : `${(v * 100).toFixed(2)}%`);
const number = (v) => (finite(v) === null ? "" : Number(v.toPrecision(4)).toString());
const seconds = (ms) => (finite(ms) === null ? "" : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`);

function section(title, note) {
  const s = el("section");
  s.append(el("h2", title));
  if (note) s.append(el("p", note, { class: "note" }));
  app.append(s);
  return s;
}

// ---- header and summary table ----
app.append(el("h1", data.title));
app.append(
  el(
    "p",
    `lrsim ${data.lrsimVersion} · generated ${data.generatedAt} · ${many(data.runs.length, "run")}, ${many(data.rangeTests.length, "range test")}`,
    { class: "note" },
  ),
);

/** "95.50% ± 0.12" over seeds, or the one value. */
const pm = (v, format, formatStd = format) =>
  v === null ? "" : v.n > 1 && v.std > 0 ? `${format(v.mean)} ± ${formatStd(v.std)}` : format(v.mean);
const twoDigits = (v) => Number(v.toPrecision(2)).toString();
const pct = (v) => `${(v * 100).toFixed(2)}%`;
const times = (r) => (r === null ? "" : `${r.toFixed(2)}×`);
/** A colour swatch and a schedule's name, as in every chart's legend. */
const swatch = (name, color) => {
  const span = el("span", null, { class: "swatch-name" });
  span.append(el("span", "■ ", { style: `color:${color}` }), el("span", name, { class: "spec" }));
  return span;
};

if (data.runs.length > 0) {
  const devices = data.runs[0].devices;
  const control = data.schedules.find((s) => s.control);
  const seeds = Math.max(...data.schedules.map((s) => s.seeds.length));
  const s = section(
    "Summary",
    `${seeds > 1 ? `Mean ± std over ${seeds} seeds. ` : ""}Updates and simulated time are relative to ${control ? control.schedule : "the first schedule"}, the reference (step decay, as in Smith et al., ICLR 2018); a constant rate, where present, is the control that shows whether decaying helped at all.`,
  );
  const table = el("table", null, { id: "by-schedule" });
  const head = el("tr");
  for (const h of [
    "schedule",
    "seeds",
    "final test acc",
    "best test acc",
    "final test loss",
    "updates",
    "vs step",
    `simulated time on ${devices} devices`,
    "vs step",
    "status",
  ])
    head.append(el("th", h));
  table.append(el("thead"));
  table.tHead.append(head);
  const body = el("tbody");
  for (const row of data.schedules) {
    const tr = el("tr", null, { "data-schedule": row.schedule });
    const name = el("td", null, { class: "schedule-name" });
    name.append(swatch(row.schedule, colorOf(row.index)));
    tr.append(name);
    const cells = [
      ["seeds", String(row.seeds.length)],
      ["final-acc", pm(row.finalTestAccuracy, pct)],
      ["best-acc", pm(row.bestTestAccuracy, pct)],
      ["final-loss", pm(row.finalTestLoss, number, twoDigits)],
      ["updates", pm(row.updates, (v) => String(Math.round(v)))],
      ["updates-vs", row.control ? "reference" : times(row.updatesVsControl)],
      ["time", pm(row.clusterMs, seconds)],
      ["time-vs", row.control ? "reference" : times(row.clusterMsVsControl)],
    ];
    for (const [key, text] of cells) tr.append(el("td", text, { class: "num", "data-key": key }));
    tr.append(el("td", row.statuses.join(", "), { class: `status-${row.statuses[0]}` }));
    body.append(tr);
  }
  table.append(body);
  s.append(table);

  // Every run, seed by seed, folded away unless one of them failed.
  const failed = data.runs.some((r) => r.error);
  const details = el("details", null, failed ? { open: "" } : {});
  details.append(el("summary", `Every run (${many(data.runs.length, "run")})`));
  const runs = el("table", null, { id: "summary" });
  const runHead = el("tr");
  for (const h of [
    "run",
    "schedule",
    "seed",
    "status",
    "final test acc",
    "best test acc",
    "final test loss",
    "updates",
    "epochs",
    "wall",
    `simulated on ${devices} devices`,
  ])
    runHead.append(el("th", h));
  runs.append(el("thead"));
  runs.tHead.append(runHead);
  const runBody = el("tbody");
  for (const run of data.runs) {
    const tr = el("tr");
    const name = el("td");
    name.append(el("span", "■ ", { style: `color:${runColor(run)}` }), el("span", run.id));
    tr.append(name);
    tr.append(el("td", run.label, { class: "spec run-label" }));
    tr.append(el("td", run.seed));
    const status = el("td", run.status, { class: `status-${run.status}` });
    if (run.error) status.title = run.error;
    tr.append(status);
    const m = run.summary;
    for (const v of [
      percent(m.finalTestAccuracy),
      percent(m.bestTestAccuracy),
      number(m.finalTestLoss),
      m.updates ?? "",
      number(m.epochs),
      seconds(m.wallMs),
      seconds(m.clusterMs),
    ])
      tr.append(el("td", v, { class: "num" }));
    runBody.append(tr);
    if (run.error) {
      const err = el("tr");
      err.append(el("td", `run ${run.id}: ${run.error}`, { colspan: "11", class: "error" }));
      runBody.append(err);
    }
  }
  runs.append(runBody);
  details.append(runs);
  s.append(details);
}
