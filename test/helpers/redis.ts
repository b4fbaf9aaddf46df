import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { ensureDebianPackage } from "./apt.ts";

/** A free TCP port on loopback (the OS picks it; closed again before it is returned). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, on loopback, without persistence. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server and starts a new one on the same port: everything in it is lost. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts redis-server on `port` and waits until it answers PING. */
async function spawnRedis(program: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    program,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new Redis(port, "127.0.0.1", {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return child;
    } catch (error) {
      client.disconnect();
      if (Date.now() > deadline)
        throw new Error(`redis-server did not answer on port ${port}: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function stopRedis(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * Starts Debian's redis-server on a free loopback port with persistence off (`--save ""
 * --appendonly no`), installing the package with apt-get when it is missing, and waits until
 * it answers PING.
 */
export async function startRedis(): Promise<TestRedis> {
  const program = ensureDebianPackage("/usr/bin/redis-server", "redis-server", "the sweep tests");
  const port = await freePort();
  let child = await spawnRedis(program, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restart: async () => {
      await stopRedis(child);
      child = await spawnRedis(program, port);
    },
    stop: () => stopRedis(child),
  };
}
