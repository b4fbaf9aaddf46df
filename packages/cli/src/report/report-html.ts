import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { packagedFile } from "@lrsim/core";
import type { ReportData } from "./report-data.ts";

const require = createRequire(import.meta.url);

/** uPlot's script, stylesheet and licence, read from its npm package (never fetched). */
function uplotAssets(): { script: string; css: string; license: string } {
  const read = (file: string) => readFileSync(require.resolve(`uplot/${file}`), "utf8");
  return {
    script: read("dist/uPlot.iife.min.js"),
    css: read("dist/uPlot.min.css"),
    license: read("LICENSE"),
  };
}

/**
 * The page's own script, drawn from the embedded JSON: report-client.js (helpers, header,
 * summary) then report-charts.js (the charts), in one function so they share its names and
 * leave no globals.
 */
function clientScript(): string {
  const read = (file: string) => readFileSync(packagedFile(import.meta.url, file, file.slice(2)), "utf8");
  return `(() => {\n"use strict";\n${read("./report-client.js")}\n${read("./report-charts.js")}\n})();`;
}

/** Text for an HTML text node or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside `<script type="application/json">`: no `<` (so no `</script>` or
 * `<!--` can end or confuse the element) and no U+2028/U+2029.
 */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Inlined code must not contain a closing script tag; uPlot's build does not, and stays checked. */
function inlineScript(code: string, what: string): string {
  if (/<\/script/i.test(code)) throw new Error(`${what} contains </script> and cannot be inlined`);
  return `<script>${code}</script>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #222; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.note { color: #666; margin: 2px 0 10px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f6f6f6; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
td.spec { font-family: ui-monospace, monospace; font-size: 12px; max-width: 360px; overflow-wrap: anywhere; }
td.error { color: #b00020; font-size: 12px; }
.status-failed, .status-diverged, .status-interrupted { color: #b00020; font-weight: 600; }
.grid { display: flex; flex-wrap: wrap; gap: 12px 20px; }
.picker button { margin: 0 6px 10px 0; padding: 4px 10px; border: 1px solid #bbb; background: #fafafa; border-radius: 4px; cursor: pointer; }
.picker button[aria-pressed="true"] { background: #1f77b4; color: #fff; border-color: #1f77b4; }
ul.suggestions { margin: 4px 0 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 2px 0 8px; font-size: 13px; }
#by-schedule td.schedule-name { max-width: 280px; }
#by-schedule th, #by-schedule td { padding: 4px 8px; }
.swatch-name { display: inline-flex; gap: 2px; align-items: baseline; }
.legend .spec, td.schedule-name .spec { font-family: ui-monospace, monospace; font-size: 12px; }
.chart.full { flex-basis: 100%; }
details { margin: 10px 0 0; }
details summary { cursor: pointer; color: #444; }
details table { margin-top: 6px; }
figure.heatmap { margin: 0; }
figure.heatmap figcaption { font-family: ui-monospace, monospace; font-size: 12px; margin-bottom: 4px; }
`;

/**
 * The whole report as one HTML file: uPlot, its stylesheet, the page script and the data are
 * all inline, and a Content-Security-Policy forbids every network request, so it opens
 * offline, from an e-mail attachment or a CI artifact alike.
 */
export function renderReportHtml(data: ReportData, sweepHtml = ""): string {
  const uplot = uplotAssets();
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="lrsim ${escapeHtml(data.lrsimVersion)}">
<title>${escapeHtml(`lrsim report — ${data.title}`)}</title>
<style>${uplot.css}${STYLE}</style>
</head>
<body>
${sweepHtml ? `<main>${sweepHtml}</main>\n` : ""}<main id="app"><noscript>This report draws its tables and charts with JavaScript; the data is in the lrsim-data script element.</noscript></main>
<script id="lrsim-data" type="application/json">${scriptSafeJson(data)}</script>
<!-- uPlot (https://github.com/leeoniya/uPlot), inlined:
${escapeHtml(uplot.license)}-->
${inlineScript(uplot.script, "uPlot")}
${inlineScript(clientScript(), "the page script (report-client.js, report-charts.js)")}
</body>
</html>
`;
}
