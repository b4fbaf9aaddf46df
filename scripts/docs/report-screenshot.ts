/**
 * Draws docs/images/report.png (the top of the page) and one picture per panel
 * (report-summary.png, report-schedules.png, report-curves.png, report-range-test.png): the
 * README's headline comparison with 2 seeds and a range test, written as an `lrsim report` and
 * photographed in headless Chromium. Re-run after changing the report.
 *
 *   pnpm docs:screenshot        (needs Debian's chromium, or LRSIM_CHROMIUM)
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import type { CliIo } from "../../packages/cli/src/io.ts";
import { main } from "../../packages/cli/src/main.ts";
import { chromiumArgs, ensureChromium } from "../../test/helpers/chromium.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "lrsim-screenshot-"));
const io: CliIo = {
  out: () => undefined,
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
  isTTY: false,
  isErrTTY: false,
  env: { ...process.env, LRSIM_DB: join(scratch, "lrsim.db") },
  cwd: scratch,
};

async function lrsim(...args: string[]): Promise<void> {
  const code = await main(args, io);
  if (code !== 0) throw new Error(`lrsim ${args.join(" ")} exited ${code}`);
}

await lrsim("compare", "--schedules", "step,onecycle,batchramp", "--seeds", "2");
await lrsim("find-lr", "--model", "mlp", "--dataset", "mnist");
await lrsim("report", "--comparison", "1", "--range-test", "1", "-o", "report.html");

const browser = await chromium.launch({ executablePath: ensureChromium(), args: chromiumArgs });
const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
await page.goto(pathToFileURL(join(scratch, "report.html")).href);
await page.waitForSelector("body[data-rendered=true]");
const images = join(root, "docs/images");
await page.screenshot({ path: join(images, "report.png"), fullPage: false });
console.log(`wrote ${join(images, "report.png")}`);
const panels = ["summary", "schedules", "curves", "range-test"];
const sections = page.locator("main > section");
if ((await sections.count()) !== panels.length)
  throw new Error(`expected ${panels.length} panels, the page has ${await sections.count()}`);
for (const [i, name] of panels.entries()) {
  const path = join(images, `report-${name}.png`);
  await sections.nth(i).screenshot({ path });
  console.log(`wrote ${path}`);
}
await browser.close();
