import { ensureDebianPackage } from "./apt.ts";

/** Debian's Chromium, where `apt-get install chromium` puts it. `LRSIM_CHROMIUM` picks another. */
const chromiumPath = process.env.LRSIM_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Makes sure a Chromium is there for the browser tests, installing Debian's package when it is
 * missing (a fresh CI machine has none; the install takes ~20 s).
 */
export function ensureChromium(): string {
  return ensureDebianPackage(chromiumPath, "chromium", "the report's browser test (or set LRSIM_CHROMIUM)");
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
