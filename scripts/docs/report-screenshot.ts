/**
 * Draws docs/images/report.png: the README's headline comparison and a range test, written as
 * an `lrsim report` and photographed in headless Chromium. Re-run after changing the report.
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

await lrsim("compare", "--schedules", "step,onecycle,batchramp");
await lrsim("find-lr", "--model", "mlp", "--dataset", "mnist");
await lrsim("report", "--comparison", "1", "--range-test", "1", "-o", "report.html");

const browser = await chromium.launch({ executablePath: ensureChromium(), args: chromiumArgs });
const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
await page.goto(pathToFileURL(join(scratch, "report.html")).href);
await page.waitForSelector("body[data-rendered=true]");
const out = join(root, "docs/images/report.png");
await page.screenshot({ path: out, fullPage: false });
await browser.close();
console.log(`wrote ${out}`);
