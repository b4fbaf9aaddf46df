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
  db.prepare("UPDATE runs SET schedule = ? WHERE id = 1").run(hostile);
  db.prepare("UPDATE runs SET status = 'failed', error = ? WHERE id = 2").run(`<b>${hostile}</b>`);
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
      /^wrote .*report\.html \(\d+ KB\) — comparison 1 .*: 4 run\(s\), 1 range test\(s\)\n$/,
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
    expect(await page.locator("#summary tbody tr").count()).toBe(4 + 1); // the control and 3 runs + run 2's error row

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

  it("shows run names, errors and comparison names as text, never as markup", async () => {
    const file = join(dir, "hostile.html");
    expect((await runCli(["report", "-o", file], { env })).code).toBe(0); // default: the latest comparison
    const { page, problems } = await open(file);
    expect(problems).toEqual([]);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    expect(await page.locator(".run-label").first().textContent()).toBe(hostile);
    expect(await page.locator("td.error").textContent()).toBe(`run 2: <b>${hostile}</b>`);
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
