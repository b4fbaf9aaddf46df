import type { Schedule } from "./types.ts";

/** A schedule evaluated at t = 0..steps-1, as plain arrays (the shape of `lrsim schedule --json`). */
export interface ScheduleSamples {
  readonly spec: string;
  readonly unit: Schedule["unit"];
  readonly steps: number;
  readonly lr: number[];
  readonly momentum?: number[];
  readonly batchSize?: number[];
}

/** Evaluates a schedule at every tick of `[0, steps)`; momentum and batch size appear when the schedule sets them. */
export function sampleSchedule(schedule: Schedule, steps: number): ScheduleSamples {
  const lr: number[] = [];
  const momentum: number[] = [];
  const batchSize: number[] = [];
  for (let t = 0; t < steps; t++) {
    const value = schedule.at(t);
    lr.push(value.lr);
    if (value.momentum !== undefined) momentum.push(value.momentum);
    if (value.batchSize !== undefined) batchSize.push(value.batchSize);
  }
  return {
    spec: schedule.spec,
    unit: schedule.unit,
    steps,
    lr,
    ...(momentum.length === steps && steps > 0 ? { momentum } : {}),
    ...(batchSize.length === steps && steps > 0 ? { batchSize } : {}),
  };
}
