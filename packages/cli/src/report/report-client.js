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
      `lrsim ${data.lrsimVersion} · generated ${data.generatedAt} · ${data.runs.length} run(s), ${data.rangeTests.length} range test(s)`,
      { class: "note" },
    ),
  );

  if (data.runs.length > 0) {
    const devices = data.runs[0].devices;
    const s = section("Summary");
    const table = el("table", null, { id: "summary" });
    const head = el("tr");
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
      head.append(el("th", h));
    table.append(el("thead"));
    table.tHead.append(head);
    const body = el("tbody");
    data.runs.forEach((run, i) => {
      const tr = el("tr");
      const name = el("td");
      name.append(el("span", "■ ", { style: `color:${colorOf(i)}` }), el("span", run.id));
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
      body.append(tr);
      if (run.error) {
        const err = el("tr");
        err.append(el("td", `run ${run.id}: ${run.error}`, { colspan: "11", class: "error" }));
        body.append(err);
      }
    });
    table.append(body);
    s.append(table);
  }

  // ---- charts ----
  /** Tick labels for log axes: plain decimals in a readable range, 1e-5 style outside it. */
  const logTicks = (_u, splits) =>
    splits.map((v) =>
      v === null ? "" : v >= 0.01 && v < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(0),
    );

  /** One uPlot line chart of several (x, y) series with different x values, joined on x. */
  function lineChart(parent, { title, xLabel, yLabel, series, logX, logY, stepped, yRange }) {
    const usable = series.filter((s) => s.x.some((x, i) => finite(x) !== null && finite(s.y[i]) !== null));
    const box = el("div", null, { class: "chart" });
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
    const opts = {
      title,
      width: Math.min(560, Math.max(320, (app.clientWidth || 1100) / 2 - 24)),
      height: 260,
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
          spanGaps: true,
          points: { show: false },
          paths: stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        })),
      ],
      hooks: usable.some((s) => s.markers)
        ? {
            draw: [
              (u) => {
                const ctx = u.ctx;
                for (const s of usable)
                  for (const m of s.markers || []) {
                    const x = Math.round(u.valToPos(m.x, "x", true));
                    ctx.save();
                    ctx.strokeStyle = m.color;
                    ctx.setLineDash([4, 4]);
                    ctx.beginPath();
                    ctx.moveTo(x, u.bbox.top);
                    ctx.lineTo(x, u.bbox.top + u.bbox.height);
                    ctx.stroke();
                    ctx.restore();
                  }
              },
            ],
          }
        : {},
    };
    new uPlot(opts, joined, box);
  }

  if (data.runs.length > 0) {
    const s = section(
      "Schedules",
      "What each run trained with, per recorded step: drag to zoom, double-click to reset.",
    );
    const grid = el("div", null, { class: "grid" });
    s.append(grid);
    const perRun = (key) =>
      data.runs.map((run, i) => ({
        name: run.label,
        color: colorOf(i),
        x: run.steps.epoch,
        y: run.steps[key],
      }));
    lineChart(grid, {
      title: "learning rate vs epoch",
      xLabel: "epoch",
      yLabel: "lr",
      series: perRun("lr"),
      stepped: true,
    });
    lineChart(grid, {
      title: "batch size vs epoch",
      xLabel: "epoch",
      yLabel: "batch size",
      series: perRun("batchSize"),
      stepped: true,
      logY: true,
    });
    if (data.runs.some((run) => run.steps.momentum.some((m) => finite(m) !== null)))
      lineChart(grid, {
        title: "momentum vs epoch",
        xLabel: "epoch",
        yLabel: "momentum",
        series: perRun("momentum"),
        stepped: true,
      });

    const curves = section(
      "Training curves",
      "Loss and accuracy at each evaluation, against the clock you choose.",
    );
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
      const quantity = (title, key, yLabel) =>
        lineChart(grid2, {
          title: `${title} vs ${axis.label.replace(/ \(s\)$/, "")}`,
          xLabel: axis.label,
          yLabel,
          logY: key.endsWith("Loss"),
          series: data.runs.map((run, i) => ({
            name: run.label,
            color: colorOf(i),
            x: x(run),
            y: run.evaluations[key],
          })),
        });
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

  for (const test of data.rangeTests) {
    const s = section(
      `Range test ${test.id}: ${test.model} on ${test.dataset}, ${test.optimizer}`,
      "Loss per mini-batch as the lr grows (log axis); dashed lines mark the suggestions.",
    );
    const list = el("ul", null, { class: "suggestions" });
    const markerColors = { steepest: "#2ca02c", valley: "#ff7f0e", minimumOverTen: "#9467bd" };
    const markers = [];
    for (const [name, lr] of Object.entries(test.suggestions)) {
      list.append(
        el(
          "li",
          `${name}: ${lr === null ? "none" : number(lr)}${lr === test.suggestedLr ? " (suggested)" : ""}`,
        ),
      );
      if (finite(lr) !== null) markers.push({ x: lr, color: markerColors[name] || "#555" });
    }
    s.append(list);
    const grid = el("div", null, { class: "grid" });
    s.append(grid);
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
        markers: t === 0 ? markers : undefined,
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
    lineChart(grid, {
      title: "loss vs learning rate",
      xLabel: "lr",
      yLabel: "loss",
      series,
      logX: true,
      yRange,
    });
  }
  document.body.dataset.rendered = "true";
})();
