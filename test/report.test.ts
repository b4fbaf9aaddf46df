import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openResults } from "@lrsim/store";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumArgs, ensureChromium } from "./helpers/chromium.ts";
import { runCli } from "./helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lrsim-report-"));
const env = { LRSIM_DB: join(dir, "results.db") };
/** Markup where text belongs: if the page ever treated it as HTML, it would add an image and a script. */
const hostile = `step<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>&amp;`;

let browser: Browser;

beforeAll(async () => {
  const compare = await runCli(
    [
      "compare",
      "--schedules",
      "step,onecycle,batchramp",
      "--model",
      "softmax",
      "--dataset",
      "blobs(n=600)",
      "--epochs",
      "5",
      "--batch-size",
      "16",
      "--seeds",
      "2",
      "--workers",
      "0",
    ],
    { env },
  );
  expect(compare.code, compare.stderr).toBe(0);
  const findLr = await runCli(["find-lr", "--model", "linear", "--dataset", "line", "--trials", "2"], {
    env,
  });
  expect(findLr.code, findLr.stderr).toBe(0);
  // A user can name things anything (a plugin path, a comparison name, an error message).
  const db = openResults(env.LRSIM_DB);
  // Runs 1-2 are the constant-rate control, 3-4 step decay (renamed: still the reference, "step..."), 5-6 onecycle.
  db.prepare("UPDATE runs SET schedule = ? WHERE id IN (3, 4)").run(hostile);
  db.prepare("UPDATE runs SET status = 'failed', error = ? WHERE id = 5").run(`<b>${hostile}</b>`);
  db.prepare("UPDATE comparisons SET name = ? WHERE id = 1").run(hostile);
  db.close();
  browser = await chromium.launch({ executablePath: ensureChromium(), args: chromiumArgs });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens a report like a user would (file://) and records everything the page says or asks for. */
async function open(file: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => problems.push(`dialog: ${d.message()}`));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("body[data-rendered=true]", { timeout: 15_000 });
  return { page, problems, requests };
}

describe("lrsim report", () => {
  it("writes one self-contained file that renders every chart in Chromium without errors or requests", async () => {
    const file = join(dir, "report.html");
    const result = await runCli(["report", "--comparison", "1", "--range-test", "1", "-o", file], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^wrote .*report\.html \(\d+ KB\) — comparison 1 .*: 8 runs, 1 range test\n$/,
    );
    const html = readFileSync(file, "utf8");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i); // nothing to fetch

    const { page, problems, requests } = await open(file);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    // Schedules: lr, batch size, momentum (onecycle cycles it); curves: 4; range test: 1.
    expect(await page.locator(".uplot").count()).toBe(3 + 4 + 1);
    const titles = await page.locator(".u-title").allTextContents();
    expect(titles).toEqual([
      "learning rate vs epoch",
      "batch size vs epoch",
      "momentum vs epoch",
      "test loss vs epoch",
      "test accuracy vs epoch",
      "train loss vs epoch",
      "train accuracy vs epoch",
      "loss vs learning rate",
    ]);
    expect(await page.locator("#summary tbody tr").count()).toBe(8 + 1); // the control and 3 schedules, 2 seeds each, + run 5's error row
    expect(await page.locator("#by-schedule tbody tr").count()).toBe(4); // one row per schedule, the control included
    // One compact legend per section, not a "name: --" row per series under every chart.
    expect(await page.locator(".u-legend").count()).toBe(0);
    expect(await page.locator(".legend").count()).toBe(3);
    // The range test spans the page.
    const widths = await page.locator(".uplot").evaluateAll((nodes) => nodes.map((n) => n.clientWidth));
    expect(widths.at(-1)!).toBeGreaterThan(1.5 * widths[0]!);

    // The clock picker redraws the curves against updates and against simulated time.
    await page.getByRole("button", { name: "vs parameter updates" }).click();
    expect(await page.locator("#curves .u-title").first().textContent()).toBe(
      "test loss vs parameter updates",
    );
    await page.getByRole("button", { name: /vs simulated time/ }).click();
    expect(await page.locator("#curves .u-title").first().textContent()).toMatch(
      /^test loss vs simulated time on \d+ devices$/,
    );
    expect(await page.locator(".uplot").count()).toBe(8);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("summarises each schedule over its seeds with the database's numbers, relative to step decay", async () => {
    const file = join(dir, "summary.html");
    expect((await runCli(["report", "--comparison", "1", "-o", file], { env })).code).toBe(0);
    const { page, problems } = await open(file);
    expect(problems).toEqual([]);
    const db = openResults(env.LRSIM_DB, { readonly: true });
    const rows = db
      .prepare(
        `SELECT json_extract(r.config, '$.schedule') AS planned, r.schedule, s.final_test_accuracy AS acc, s.best_test_accuracy AS best,
                s.final_test_loss AS loss, s.updates, s.cluster_ms AS cluster
         FROM runs r JOIN run_summaries s ON s.run_id = r.id WHERE r.comparison_id = 1 ORDER BY r.id`,
      )
      .all() as Array<Record<string, number | string>>;
    db.close();
    const groups = new Map<string, Array<Record<string, number | string>>>();
    for (const row of rows)
      groups.set(String(row.schedule), [...(groups.get(String(row.schedule)) ?? []), row]);
    expect(groups.size).toBe(4); // the constant-rate control and three schedules
    const stats = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
      return { mean, std };
    };
    const two = (v: number) => Number(v.toPrecision(2)).toString();
    const four = (v: number) => Number(v.toPrecision(4)).toString();
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
    const pm = (v: { mean: number; std: number }, f: (x: number) => string, g = f) =>
      v.std > 0 ? `${f(v.mean)} ± ${g(v.std)}` : f(v.mean);
    const control = [...groups.values()].find((g) => String(g[0]!.planned).startsWith("multistep"))!;
    const controlUpdates = stats(control.map((r) => Number(r.updates))).mean;
    const controlTime = stats(control.map((r) => Number(r.cluster))).mean;
    for (const [schedule, group] of groups) {
      const row = page
        .locator("#by-schedule tbody tr")
        .filter({ has: page.getByText(schedule, { exact: true }) });
      const cell = async (key: string) => (await row.locator(`td[data-key=${key}]`).textContent())!.trim();
      const col = (name: string) => group.map((r) => Number(r[name]));
      expect(await cell("seeds")).toBe("2");
      expect(await cell("final-acc")).toBe(pm(stats(col("acc")), pct));
      expect(await cell("best-acc")).toBe(pm(stats(col("best")), pct));
      expect(await cell("final-loss")).toBe(pm(stats(col("loss")), four, two));
      const updates = stats(col("updates"));
      expect(await cell("updates")).toBe(pm(updates, (v) => String(Math.round(v))));
      const isControl = group === control;
      expect(await cell("updates-vs")).toBe(
        isControl ? "reference" : `${(updates.mean / controlUpdates).toFixed(2)}×`,
      );
      expect(await cell("time-vs")).toBe(
        isControl ? "reference" : `${(stats(col("cluster")).mean / controlTime).toFixed(2)}×`,
      );
    }
    // batchramp made fewer updates than step decay: the summary says so at a glance.
    const ramp = page.locator("#by-schedule tbody tr").filter({ hasText: "batchramp" });
    expect(
      Number((await ramp.locator("td[data-key=updates-vs]").textContent())!.replace("×", "")),
    ).toBeLessThan(1);
    await page.close();
  });

  it("shows run names, errors and comparison names as text, never as markup", async () => {
    const file = join(dir, "hostile.html");
    expect((await runCli(["report", "-o", file], { env })).code).toBe(0); // default: the latest comparison
    const { page, problems } = await open(file);
    expect(problems).toEqual([]);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    expect(await page.locator(".run-label").nth(2).textContent()).toBe(`${hostile} seed 0`); // runs 3-4
    expect(await page.locator("#by-schedule .schedule-name .spec").nth(1).textContent()).toBe(hostile);
    expect(await page.locator("td.error").textContent()).toBe(`run 5: <b>${hostile}</b>`);
    expect(await page.locator("h1").textContent()).toContain(hostile);
    expect(await page.title()).toContain(hostile);
    await page.close();
  });

  it("refuses unknown ids and empty databases in one line, writing nothing", async () => {
    const file = join(dir, "none.html");
    const missing = await runCli(["report", "--runs", "1,99", "-o", file], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("lrsim: no run with id 99 in this database (lrsim runs lists them)\n");
    const bad = await runCli(["report", "--runs", "1,x"], { env });
    expect(bad.stderr).toBe('lrsim: --runs must be a comma-separated list of numbers, got "x"\n');
    const empty = join(dir, "empty.db");
    openResults(empty).close();
    const nothing = await runCli(["report", "-o", file], { env: { LRSIM_DB: empty } });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(
      /^lrsim: nothing to report: this database has no comparison and no range test/,
    );
    expect(existsSync(file)).toBe(false);
  });
});
