import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Makes sure a program from a Debian package is there for a test, installing the package with
 * apt-get when it is missing (a fresh CI machine has neither Chromium nor the sqlite3 CLI), as
 * root or through passwordless sudo. It never skips: without the program and without a way to
 * install it, the test fails saying what to do.
 */
export function ensureDebianPackage(program: string, pkg: string, purpose: string): string {
  if (existsSync(program)) return program;
  const root = process.getuid?.() === 0;
  const sudo = !root && canSudo();
  if ((!root && !sudo) || !existsSync("/usr/bin/apt-get"))
    throw new Error(`${purpose} needs ${program}: install it (sudo apt-get install ${pkg})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // Another test (or the machine's own apt) may hold the dpkg or lists lock: wait for it
  // instead of failing, and try the pair again in case the lists lock was the one taken.
  const lockWait = ["-o", "DPkg::Lock::Timeout=300"];
  const aptGet = (args: string[], timeout: number) =>
    execFileSync(
      sudo ? "sudo" : "apt-get",
      sudo ? ["-n", "-E", "apt-get", ...lockWait, ...args] : [...lockWait, ...args],
      { stdio: "ignore", env, timeout },
    );
  for (let attempt = 1; ; attempt++) {
    try {
      aptGet(["update", "-qq"], 240_000);
      aptGet(["install", "-y", "-qq", "--no-install-recommends", pkg], 480_000);
      break;
    } catch (error) {
      if (existsSync(program)) break;
      if (attempt === 3) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
  }
  if (!existsSync(program)) throw new Error(`apt-get install ${pkg} did not produce ${program}`);
  return program;
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
