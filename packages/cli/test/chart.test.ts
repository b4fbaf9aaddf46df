import { describe, expect, it } from "vitest";
import { MARKERS, renderChart, SHARED } from "../src/render/chart.ts";

const ESC = "\x1b[";
const a = { name: "a", x: [0, 1, 2, 3, 4], y: [2.3, 0.4, 0.3, 0.25, 0.2] };
const b = { name: "b", x: [0, 1, 2, 3, 4], y: [2.3, 0.5, 0.35, 0.3, 0.28] };

describe("renderChart", () => {
  it("gives every series its own marker, named in the legend, with no colour codes unless asked", () => {
    const chart = renderChart([a, b], { width: 60 });
    expect(chart).not.toContain(ESC);
    expect(chart).toContain(MARKERS[0]);
    expect(chart).toContain(MARKERS[1]);
    expect(chart).toContain(`${MARKERS[0]} a`);
    expect(chart).toContain(`${MARKERS[1]} b`);
    // Both start at (0, 2.3): that cell is shared, and the legend says what the shared marker means.
    expect(chart).toContain(SHARED);
    expect(chart).toContain(`${SHARED} points of several series`);
  });

  it("adds colour on top of the markers when asked", () => {
    const chart = renderChart([a, b], { width: 60, color: true });
    expect(chart).toContain(`${ESC}36m${MARKERS[0]}`);
  });

  it("fills the width it is given", () => {
    for (const width of [50, 120]) {
      const lines = renderChart([a, b], { width }).split("\n");
      const axis = lines.find((l) => l.includes("└"))!;
      expect(axis.length).toBe(width);
    }
  });

  it("fits the y range to the points from fitFrom on and says so on the axis", () => {
    const whole = renderChart([a, b], { width: 60, yLabel: "loss" });
    expect(whole).toContain("2.3");
    const fitted = renderChart([a, b], { width: 60, yLabel: "loss", fitFrom: 2, fitNote: "epoch ≥ 2" });
    const labels = fitted
      .split("\n")
      .filter((l) => l.includes("┤"))
      .map((l) => l.split("┤")[0]!.trim())
      .filter(Boolean);
    expect(labels[0]).toBe("0.350");
    expect(labels[labels.length - 1]).toBe("0.200");
    expect(fitted).toContain("loss, fitted to epoch ≥ 2, earlier points off the chart");
  });

  it("draws differently when only the x values differ (vs epoch and vs updates)", () => {
    const byEpoch = renderChart([a, b], { width: 60 });
    const byUpdates = renderChart([a, { ...b, x: [0, 10, 13, 14, 15] }], { width: 60 });
    expect(byUpdates).not.toBe(byEpoch);
  });

  it("labels log axes with powers and says log scale", () => {
    const chart = renderChart([{ name: "lr", x: [0, 1, 2], y: [0.1, 0.01, 0.001] }], {
      logY: true,
      yLabel: "lr",
    });
    expect(chart).toContain("lr, log scale");
    expect(chart).toMatch(/0\.1 ┤/);
    expect(chart).toMatch(/0\.001 ┤/);
  });
});

describe("renderChart's x marks", () => {
  it("points at each mark under the x axis, with its label", () => {
    const chart = renderChart([{ name: "loss", x: [1e-6, 1e-3, 1], y: [2, 1, 3] }], {
      logX: true,
      width: 60,
      xMarks: [{ x: 1e-3, label: "valley 0.001" }],
    });
    const line = chart.split("\n").find((l) => l.includes("valley"))!;
    const axis = chart.split("\n").find((l) => l.includes("└"))!;
    // Half way along a log axis from 1e-6 to 1.
    const column = line.indexOf("▲") - axis.indexOf("└") - 1;
    const plotWidth = axis.length - axis.indexOf("└") - 1;
    expect(Math.abs(column - plotWidth / 2)).toBeLessThanOrEqual(1);
    expect(line).toContain("▲ valley 0.001");
  });
});
