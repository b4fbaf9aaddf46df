import { availableParallelism } from "node:os";
import { errors } from "@lrsim/core";
import type { Argv } from "yargs";
import { withConfig } from "../config.ts";
import type { CliIo } from "../io.ts";
import { checkReachable, DEFAULT_QUEUE, DEFAULT_TIMING } from "../sweep/queue.ts";
import { parseRedisUrl, redisUrlOf } from "../sweep/redis-url.ts";
import { serveJobs } from "../sweep/worker.ts";
import { onStopSignals } from "./interrupt.ts";

interface WorkerArgs {
  redis: string | undefined;
  queue: string;
  concurrency: number;
  workers: number | undefined;
  allowPluginPaths: boolean;
  lockMs: number;
  stalledMs: number;
}

export function workerCommand(io: CliIo) {
  return {
    command: "worker",
    describe: "Train the runs of lrsim sweep --redis on this host until stopped",
    builder: (y: Argv) =>
      withConfig(
        y
          .option("redis", {
            type: "string",
            describe:
              "redis://[:password@]host:port[/db] (or rediss://; default $LRSIM_REDIS): the sweep coordinator's Redis",
          })
          .option("queue", { type: "string", default: DEFAULT_QUEUE, describe: "BullMQ queue name" })
          .option("concurrency", {
            type: "number",
            default: 1,
            describe: "Runs trained at the same time on this host, each on its own --workers threads",
          })
          .option("workers", {
            type: "number",
            defaultDescription: "the number of cores / --concurrency, at least 1",
            describe:
              "Worker threads of each run (at least 1: the process must stay free to renew its job locks)",
          })
          .option("allow-plugin-paths", {
            type: "boolean",
            default: false,
            describe:
              "Also load plugins named by path in jobs (by default only built-in plugins and packages installed here: a job names code to run)",
          })
          .option("lock-ms", {
            type: "number",
            default: DEFAULT_TIMING.lockMs,
            hidden: true,
            describe: "BullMQ lock duration (tests lower it)",
          })
          .option("stalled-ms", {
            type: "number",
            default: DEFAULT_TIMING.stalledMs,
            hidden: true,
            describe: "BullMQ stalled-job check interval (tests lower it)",
          })
          .example(
            "$0 worker --redis redis://queue-host:6379",
            "Take sweep runs from queue-host, one at a time on every core",
          )
          .example(
            "$0 worker --redis redis://queue-host:6379 --concurrency 4 --workers 1",
            "Four small-batch runs at once",
          )
          .epilog(
            "Start one worker per host, then `lrsim sweep ... --redis URL` anywhere: the sweep enqueues its runs, workers train them and send the results back; workers need no database. Ctrl-C finishes the runs in progress and exits; a second Ctrl-C hands them back to the queue for another worker. A killed worker's run is taken up by another within about 90 s. A run that fails for a reason retrying cannot fix (a bad spec, a plugin missing here) fails once; a transient fault (a network error) is retried twice, 5 s then 10 s later. docs/sweeps.md has the recipe and how to size --concurrency and --workers.",
          ),
        io.config,
        "worker",
        io.cwd,
      ),
    handler: (args: WorkerArgs) => serve(args, io),
  };
}

async function serve(args: WorkerArgs, io: CliIo): Promise<void> {
  const url = redisUrlOf(args.redis, io.env);
  if (url === undefined)
    throw errors.usage("lrsim worker needs --redis URL (or LRSIM_REDIS): the coordinator's Redis");
  const target = parseRedisUrl(url);
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1)
    throw errors.invalidOption("--concurrency", "a positive integer", String(args.concurrency));
  const workers = args.workers ?? Math.max(1, Math.floor(availableParallelism() / args.concurrency));
  if (!Number.isInteger(workers) || workers < 1)
    throw errors.invalidOption(
      "--workers",
      "a positive integer (training must leave the event loop free)",
      String(workers),
    );
  await checkReachable(target);
  const stamp = () => new Date().toISOString().slice(11, 19);
  const log = (line: string) => io.err(`${stamp()} ${line}`);
  const worker = serveJobs({
    target,
    queue: args.queue,
    concurrency: args.concurrency,
    workers,
    allowPluginPaths: args.allowPluginPaths,
    timing: { lockMs: args.lockMs, stalledMs: args.stalledMs },
    cwd: io.cwd,
    log,
  });
  log(
    `lrsim worker: taking runs from ${target.masked} (queue ${args.queue}), ${args.concurrency} at a time on ${workers} worker thread${workers === 1 ? "" : "s"} each; Ctrl-C finishes the current runs, twice hands them back`,
  );
  // Signals less than 50 ms apart (a supervisor signalling the process group) are one.
  const stopListening = onStopSignals((stops) => {
    if (stops === 1) {
      log("stopping: finishing the current runs (Ctrl-C again hands them back to the queue)");
      void worker.finish();
    } else if (stops === 2) {
      log("stopping: handing the current runs back to the queue");
      void worker.handBack();
    } else process.exit(130);
  });
  try {
    await worker.closed;
  } finally {
    stopListening();
  }
  log("lrsim worker: stopped");
}
