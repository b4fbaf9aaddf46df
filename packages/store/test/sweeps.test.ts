import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  createSweep,
  getSweep,
  openResults,
  recordedKeys,
  recordSweepRunOnce,
  SCHEMA_VERSION,
} from "../src/index.ts";
import { MIGRATIONS } from "../src/schema.ts";

const tempDb = () => join(mkdtempSync(join(tmpdir(), "lrsim-sweeps-")), "results.db");
const record = (sweepId: number, runKey: string) => ({
  sweepId,
  runKey,
  point: { schedule: "step", lr: 0.1 },
  seed: 0,
  status: "failed" as const,
  error: "refused",
  attempts: 1,
  worker: null,
});

describe("the sweep tables", () => {
  it("are added to a database of the previous version, keeping its runs", () => {
    const path = tempDb();
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma("user_version = 1");
    old.prepare("INSERT INTO comparisons (uid, config, created_at) VALUES ('c1', '{}', 'now')").run();
    old.close();
    const db = openResults(path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) n FROM comparisons").get()).toEqual({ n: 1 });
    const { id } = createSweep(db, { name: "s", config: { grid: {} }, planned: 2 });
    expect(getSweep(db, id)).toMatchObject({ id, name: "s", planned: 2, config: { grid: {} } });
    expect(() => getSweep(db, 99)).toThrow("no sweep with id 99 in this database");
    db.close();
  });

  it("record each run's identity once, however often it is delivered, and roll back a failed write", () => {
    const db = openResults(tempDb());
    const { id } = createSweep(db, { config: {}, planned: 2 });
    let writes = 0;
    const write = () => {
      writes++;
      return null;
    };
    expect(recordSweepRunOnce(db, record(id, "k1"), write)).toBe(true);
    expect(recordSweepRunOnce(db, record(id, "k1"), write)).toBe(false);
    expect(writes).toBe(1);
    expect(() =>
      recordSweepRunOnce(db, record(id, "k2"), () => {
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect(recordedKeys(db, id)).toEqual(new Set(["k1"]));
    db.close();
  });
});
