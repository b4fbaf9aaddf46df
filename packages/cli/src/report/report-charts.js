// The second half of an lrsim report page's script (after report-client.js, in the same
// function): the charts — schedules, training curves, range tests — drawn with uPlot.
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
    if (finite(lr) !== null) markers.push({ x: lr, color: look.color, label: `${look.label} ${number(lr)}` });
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
