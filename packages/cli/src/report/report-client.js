// The script of an lrsim report page. It runs in the browser, offline, with uPlot inlined before
// it, and draws everything from the JSON in <script id="lrsim-data">. Every string from the
// database goes into the page through textContent, never as HTML, so a run name cannot inject
// markup.
(() => {
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
      `${seeds > 1 ? `Mean ± std over ${seeds} seeds. ` : ""}Updates and simulated time are relative to ${control ? control.schedule : "the first schedule"}, the control (step decay in Smith et al., ICLR 2018).`,
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
      "vs control",
      `simulated time on ${devices} devices`,
      "vs control",
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
        ["updates-vs", row.control ? "control" : times(row.updatesVsControl)],
        ["time", pm(row.clusterMs, seconds)],
        ["time-vs", row.control ? "control" : times(row.clusterMsVsControl)],
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

  // ---- charts ----
  /** Tick labels for log axes: plain decimals in a readable range, 1e-5 style outside it. */
  const logTicks = (_u, splits) =>
    splits.map((v) =>
      v === null ? "" : v >= 0.01 && v < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(0),
    );

  /** One compact legend for a section's charts: a swatch and a name per schedule, on one line. */
  function legend(parent, entries) {
    const box = el("div", null, { class: "legend" });
    for (const { name, color } of entries) box.append(swatch(name, color));
    parent.append(box);
  }

  /**
   * The y range of the points at or after `fromX` (the curves once the untrained first
   * evaluations are past), padded a little; multiplicative padding on log axes.
   */
  function fittedRange(series, fromX, log) {
    const ys = [];
    for (const s of series)
      s.x.forEach((x, i) => {
        const y = finite(s.y[i]);
        if (finite(x) !== null && x >= fromX && y !== null && (!log || y > 0)) ys.push(y);
      });
    if (ys.length === 0) return undefined;
    const low = Math.min(...ys);
    const high = Math.max(...ys);
    if (log) return high > low ? [low / 1.05, high * 1.05] : [low / 1.5, high * 1.5];
    const pad = high > low ? 0.05 * (high - low) : Math.abs(high) * 0.05 || 0.05;
    return [low - pad, high + pad];
  }

  /** One uPlot line chart of several (x, y) series with different x values, joined on x. */
  function lineChart(parent, { title, xLabel, yLabel, series, logX, logY, stepped, yRange, full, markers }) {
    const usable = series.filter((s) => s.x.some((x, i) => finite(x) !== null && finite(s.y[i]) !== null));
    const box = el("div", null, { class: full ? "chart full" : "chart" });
    parent.append(box);
    if (usable.length === 0) {
      box.append(el("p", `${title}: nothing recorded`, { class: "note" }));
      return;
    }
    const tables = usable.map((s) => {
      const xs = [];
      const ys = [];
      s.x.forEach((x, i) => {
        const xv = finite(x);
        if (xv === null || (logX && xv <= 0)) return;
        if (xs.length > 0 && xv <= xs[xs.length - 1]) return; // uPlot needs increasing x
        xs.push(xv);
        const yv = finite(s.y[i]);
        ys.push(logY && yv !== null && yv <= 0 ? null : yv);
      });
      return [xs, ys];
    });
    const joined = uPlot.join(tables);
    const pageWidth = app.clientWidth || 1100;
    const opts = {
      title,
      width: full ? Math.max(320, pageWidth - 16) : Math.min(560, Math.max(320, pageWidth / 2 - 24)),
      height: full ? 320 : 260,
      legend: { show: false },
      scales: {
        x: { time: false, distr: logX ? 3 : 1 },
        y: yRange ? { distr: logY ? 3 : 1, range: () => yRange } : { distr: logY ? 3 : 1 },
      },
      axes: [
        { label: xLabel, values: logX ? logTicks : undefined },
        { label: yLabel, size: 60, values: logY ? logTicks : undefined },
      ],
      series: [
        { label: xLabel },
        ...usable.map((s) => ({
          label: s.name,
          stroke: s.color,
          width: s.width || 1.5,
          dash: s.dash,
          alpha: s.alpha,
          spanGaps: true,
          points: { show: false },
          paths: stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        })),
      ],
      hooks: markers
        ? {
            // Dashed vertical lines, each labelled at the top (the range test's suggestions).
            draw: [
              (u) => {
                const ctx = u.ctx;
                markers.forEach((m, k) => {
                  const x = Math.round(u.valToPos(m.x, "x", true));
                  ctx.save();
                  ctx.strokeStyle = m.color;
                  ctx.fillStyle = m.color;
                  ctx.lineWidth = 1.5 * devicePixelRatio;
                  ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
                  ctx.beginPath();
                  ctx.moveTo(x, u.bbox.top);
                  ctx.lineTo(x, u.bbox.top + u.bbox.height);
                  ctx.stroke();
                  ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
                  // Beside the line, on whichever side has room; stacked so labels do not overlap.
                  const width = ctx.measureText(m.label).width;
                  const right = x + (4 * devicePixelRatio + width) < u.bbox.left + u.bbox.width;
                  ctx.textAlign = right ? "left" : "right";
                  ctx.textBaseline = "alphabetic";
                  const dx = (right ? 4 : -4) * devicePixelRatio;
                  ctx.fillText(m.label, x + dx, u.bbox.top + (14 + 15 * k) * devicePixelRatio);
                  ctx.restore();
                });
              },
            ],
          }
        : {},
    };
    new uPlot(opts, joined, box);
  }

  /** The first run of each schedule (its schedule is the same for every seed). */
  const firstOfEach = data.schedules.map((s) => data.runs.find((r) => r.schedule === s.schedule));
  const seedCount = Math.max(0, ...data.schedules.map((s) => s.seeds.length));
  const scheduleLegend = data.schedules.map((s) => ({ name: s.schedule, color: colorOf(s.index) }));

  /** Mean over a schedule's seeds of an evaluation column, row by row while every seed has the row. */
  function meanColumn(schedule, key, scale) {
    const group = data.runs.filter((r) => r.schedule === schedule);
    const length = Math.min(...group.map((r) => r.evaluations[key].length));
    return Array.from({ length }, (_, i) => {
      const values = group.map((r) => r.evaluations[key][i]);
      if (values.some((v) => finite(v) === null)) return null;
      return (values.reduce((a, b) => a + b, 0) / values.length) * (scale || 1);
    });
  }

  if (data.runs.length > 0) {
    const s = section(
      "Schedules",
      "What each schedule trained with, per recorded step: drag to zoom, double-click to reset.",
    );
    legend(s, scheduleLegend);
    const grid = el("div", null, { class: "grid" });
    s.append(grid);
    const perSchedule = (key) =>
      firstOfEach.map((run) => ({
        name: run.schedule,
        color: runColor(run),
        x: run.steps.epoch,
        y: run.steps[key],
      }));
    lineChart(grid, {
      title: "learning rate vs epoch",
      xLabel: "epoch",
      yLabel: "lr",
      series: perSchedule("lr"),
      stepped: true,
      logY: true,
    });
    lineChart(grid, {
      title: "batch size vs epoch",
      xLabel: "epoch",
      yLabel: "batch size",
      series: perSchedule("batchSize"),
      stepped: true,
      logY: true,
    });
    if (data.runs.some((run) => run.steps.momentum.some((m) => finite(m) !== null)))
      lineChart(grid, {
        title: "momentum vs epoch",
        xLabel: "epoch",
        yLabel: "momentum",
        series: perSchedule("momentum"),
        stepped: true,
      });

    const lastEpoch = Math.max(
      ...data.runs.map((r) => Math.max(0, ...r.evaluations.epoch.filter((e) => e !== null))),
    );
    const fitEpoch = Math.max(1, Math.ceil(lastEpoch / 5));
    const curves = section(
      "Training curves",
      `Loss and accuracy at each evaluation, against the clock you choose. ${seedCount > 1 ? `Thick lines: the mean of ${seedCount} seeds; thin lines: each seed. ` : ""}The y axes are fitted to epoch ${fitEpoch} on, where the schedules differ (the untrained first evaluations run off the top).`,
    );
    legend(curves, scheduleLegend);
    const axes = [
      { key: "epoch", label: "epoch" },
      { key: "updates", label: "parameter updates" },
      { key: "clusterMs", label: `simulated time on ${data.runs[0].devices} devices (s)`, scale: 1 / 1000 },
    ];
    const picker = el("div", null, { class: "picker", role: "group" });
    const grid2 = el("div", null, { class: "grid", id: "curves" });
    curves.append(picker, grid2);
    const draw = (axis) => {
      grid2.replaceChildren();
      for (const b of picker.children) b.setAttribute("aria-pressed", String(b.dataset.axis === axis.key));
      const x = (run) => run.evaluations[axis.key].map((v) => (v === null ? null : v * (axis.scale || 1)));
      const quantity = (title, key, yLabel) => {
        const series = [];
        for (const summary of data.schedules) {
          const color = colorOf(summary.index);
          const group = data.runs.filter((r) => r.schedule === summary.schedule);
          for (const run of group)
            series.push({
              name: run.label,
              color,
              x: x(run),
              y: run.evaluations[key],
              width: group.length > 1 ? 1 : 2,
              alpha: group.length > 1 ? 0.45 : 1,
            });
          if (group.length > 1)
            series.push({
              name: `${summary.schedule} (mean)`,
              color,
              x: meanColumn(summary.schedule, axis.key, axis.scale),
              y: meanColumn(summary.schedule, key),
              width: 2.5,
            });
        }
        // The fit is by epoch whatever the clock: the same evaluations on every x axis.
        const fitX = [];
        for (const summary of data.schedules) {
          const group = data.runs.filter((r) => r.schedule === summary.schedule);
          for (const run of group) fitX.push(run.evaluations.epoch);
          if (group.length > 1) fitX.push(meanColumn(summary.schedule, "epoch"));
        }
        // Losses on a log axis only when the fitted range spans more than a decade (uPlot's log
        // axes want whole decades); otherwise linear, zoomed to the data.
        const fitted = series.map((s, i) => ({ ...s, x: fitX[i] }));
        const logRange = key.endsWith("Loss") ? fittedRange(fitted, fitEpoch, true) : undefined;
        const logY = logRange !== undefined && logRange[1] / logRange[0] > 10;
        lineChart(grid2, {
          title: `${title} vs ${axis.label.replace(/ \(s\)$/, "")}`,
          xLabel: axis.label,
          yLabel,
          logY,
          series,
          yRange: logY ? undefined : fittedRange(fitted, fitEpoch, false),
        });
      };
      quantity("test loss", "testLoss", "loss");
      quantity("test accuracy", "testAccuracy", "accuracy");
      quantity("train loss", "trainLoss", "loss");
      quantity("train accuracy", "trainAccuracy", "accuracy");
    };
    for (const axis of axes) {
      const b = el("button", `vs ${axis.label}`, { type: "button" });
      b.dataset.axis = axis.key;
      b.addEventListener("click", () => draw(axis));
      picker.append(b);
    }
    draw(axes[0]);
  }

  const SUGGESTIONS = {
    valley: { label: "valley (suggested)", color: "#ff7f0e" },
    steepest: { label: "steepest", color: "#2ca02c" },
    minimumOverTen: { label: "minimum / 10", color: "#9467bd" },
  };
  for (const test of data.rangeTests) {
    const s = section(
      `Range test ${test.id}: ${test.model} on ${test.dataset}, ${test.optimizer}`,
      "Loss per mini-batch as the lr grows (log axis): thin dashed, each mini-batch; solid, smoothed. Dashed vertical lines mark the suggestions.",
    );
    const markers = [];
    const entries = [];
    for (const [name, lr] of Object.entries(test.suggestions)) {
      const look = SUGGESTIONS[name] || { label: name, color: "#555" };
      const text = `${look.label}: ${lr === null ? "none" : number(lr)}`;
      entries.push({ name: text, color: look.color });
      if (finite(lr) !== null)
        markers.push({ x: lr, color: look.color, label: `${look.label} ${number(lr)}` });
    }
    legend(s, [
      ...test.trials.map((_, t) => ({
        name: test.trials.length > 1 ? `trial ${t + 1}` : "loss",
        color: colorOf(t),
      })),
      ...entries,
    ]);
    const series = [];
    test.trials.forEach((trial, t) => {
      const suffix = test.trials.length > 1 ? ` (trial ${t + 1})` : "";
      series.push({
        name: `loss${suffix}`,
        color: colorOf(t),
        x: trial.lr,
        y: trial.loss,
        width: 1,
        dash: [2, 3],
      });
      series.push({
        name: `smoothed${suffix}`,
        color: colorOf(t),
        x: trial.lr,
        y: trial.smoothedLoss,
        width: 2,
      });
    });
    // Losses explode at the end of a range test; show from the lowest smoothed loss to twice the
    // starting one, as pytorch-lr-finder's plot does in effect by stopping early.
    const smoothed = test.trials.flatMap((t) => t.smoothedLoss).filter((v) => finite(v) !== null);
    const first = test.trials
      .map((t) => t.smoothedLoss.find((v) => finite(v) !== null))
      .filter((v) => v !== undefined);
    const low = Math.min(...smoothed);
    const high = Math.min(Math.max(...smoothed), 2 * Math.max(...first));
    const yRange = smoothed.length > 0 && high > low ? [low - 0.05 * (high - low), high] : undefined;
    lineChart(s, {
      title: "loss vs learning rate",
      xLabel: "lr",
      yLabel: "loss",
      series,
      logX: true,
      yRange,
      full: true,
      markers,
    });
  }
  document.body.dataset.rendered = "true";
})();
