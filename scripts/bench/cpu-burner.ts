/**
 * The competing process of `pnpm bench --busy`: one CPU-bound Node process (a busy loop), as
 * another job on the machine would be during a sweep or in CI. Started and ended by the
 * benchmark itself.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** Starts one process that keeps one core busy until `stop()`. */
export function startCpuBurner(): { stop(): void } {
  const child: ChildProcess = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  return {
    stop() {
      child.kill("SIGKILL");
    },
  };
}
