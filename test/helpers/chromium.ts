import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian's Chromium, where `apt-get install chromium` puts it. `LRSIM_CHROMIUM` picks another. */
export const chromiumPath = process.env.LRSIM_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Makes sure a Chromium is there for the browser tests, installing Debian's package when it is
 * missing (a fresh CI machine has none; the install takes ~20 s). It never skips: without a
 * browser and without a way to install one, the test fails saying what to do.
 */
export function ensureChromium(): string {
  if (existsSync(chromiumPath)) return chromiumPath;
  const root = process.getuid?.() === 0;
  const sudo = !root && canSudo();
  if ((!root && !sudo) || !existsSync("/usr/bin/apt-get"))
    throw new Error(
      `the report's browser test needs Chromium at ${chromiumPath}: install it (sudo apt-get install chromium) or set LRSIM_CHROMIUM`,
    );
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const aptGet = (args: string[], timeout: number) =>
    execFileSync(sudo ? "sudo" : "apt-get", sudo ? ["-n", "-E", "apt-get", ...args] : args, {
      stdio: "ignore",
      env,
      timeout,
    });
  aptGet(["update", "-qq"], 240_000);
  aptGet(["install", "-y", "-qq", "--no-install-recommends", "chromium"], 480_000);
  if (!existsSync(chromiumPath)) throw new Error(`apt-get install chromium did not produce ${chromiumPath}`);
  return chromiumPath;
}

/** Whether `sudo` works here without a password. */
function canSudo(): boolean {
  try {
    execFileSync("sudo", ["-n", "true"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Flags for a quiet, offline, sandbox-less headless Chromium (CI runs as root in a container). */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-sync",
  "--no-first-run",
  "--metrics-recording-only",
  "--mute-audio",
];
