import { EventEmitter } from "eventemitter3";
import { errors, isLrsimError, type LrsimError } from "../errors.ts";
import { allocateLocal } from "../optim/types.ts";
import { ParameterUpdate, updatePartialsLength } from "../optim/update.ts";
import type { PluginCatalog } from "../plugins/catalog.ts";
import { nonFiniteGradient, pluginLabel } from "../plugins/hooks.ts";
import { createRng } from "../random.ts";
import type { TrainingBackend } from "./backend.ts";
import { ClusterClock, clusterModel } from "./cluster.ts";
import { type RunOptions, resolveRunConfig } from "./config.ts";
import { LocalBackend } from "./local-backend.ts";
import { type NoiseScaleReading, NoiseScaleTracker } from "./noise-scale.ts";
import { createOptimizer, initParameters, planRun, type RunPlan } from "./plan.ts";
import { finalOf, runResultOf } from "./result.ts";
import type {
  EpochRecord,
  Evaluation,
  RunResult,
  RunStatus,
  ScheduleReading,
  TrainerEvents,
} from "./types.ts";

/** Makes the backend a run computes on; the default computes in-process. */
export type BackendFactory = (plan: RunPlan) => Promise<TrainingBackend>;

/** The in-process backend: parameters initialised from the run's seed with the model's own `init`. */
export const localBackend: BackendFactory = async (plan) => {
  const model = plan.createModel();
  const params = new Float32Array(model.parameterCount);
  initParameters(plan, model, params);
  const optimizer = createOptimizer(plan, params.length, allocateLocal);
  const clip = plan.config.clipGradNorm;
  const partials = new Float64Array(updatePartialsLength(optimizer, clip, params.length));
  return new LocalBackend(
    model,
    plan.model.name,
    plan.dataset.data,
    new ParameterUpdate(optimizer, clip, params.length, partials),
    plan.config.chunkSize,
    params,
    plan.config.noiseScale,
    plan.model.source,
  );
};

/** How often a run yields to the event loop so signals, timers and I/O get their turn. */
const YIELD_EVERY_MS = 50;

/** An observer's error, carried past the trainer's classification of failures to `run()`'s caller. */
class ObserverFailed {
  constructor(readonly error: unknown) {}
}

/** Hooks on a trainer's events whose errors end the run (see {@link Trainer.observe}). */
export type TrainerObserver = { readonly [E in keyof TrainerEvents]?: TrainerEvents[E] };

class StopRun extends Error {
  constructor(
    readonly status: Exclude<RunStatus, "completed">,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Trains one model under one schedule. Each epoch is a seeded shuffle of the training set
 * cut into mini-batches; before every update the schedule is asked for `{lr, batchSize,
 * momentum}` at its clock (`t` = epochs completed or updates so far) and all three are
 * honoured. Emits {@link TrainerEvents}; a diverged or interrupted run, and one a plugin's
 * error (an LrsimError) failed, resolves with that status instead of throwing. Anything else
 * (a bug in a backend, a failing observer such as the database writer) rejects. Same config,
 * same result, bit for bit.
 */
export class Trainer extends EventEmitter<TrainerEvents> {
  private readonly observers: TrainerObserver[] = [];

  constructor(
    private readonly catalog: PluginCatalog,
    private readonly backendFactory: BackendFactory = localBackend,
  ) {
    super();
  }

  /**
   * Adds an observer: its hooks run before the listeners' for every event, and an error thrown
   * in one ends the run — `run()` rejects with it — where a listener's would only be reported.
   * For what must not silently stop, like recording the run. Returns a function removing it.
   */
  observe(observer: TrainerObserver): () => void {
    this.observers.push(observer);
    return () => {
      const at = this.observers.indexOf(observer);
      if (at >= 0) this.observers.splice(at, 1);
    };
  }

  /** Calls the observers (their errors end the run), then the listeners (theirs are reported). */
  private notify<E extends Exclude<keyof TrainerEvents, "listenerError">>(
    event: E,
    ...args: Parameters<TrainerEvents[E]>
  ): void {
    for (const observer of this.observers) {
      const hook = observer[event] as ((...a: Parameters<TrainerEvents[E]>) => void) | undefined;
      try {
        hook?.(...args);
      } catch (error) {
        throw new ObserverFailed(error);
      }
    }
    for (const listener of this.listeners(event) as Array<(...a: Parameters<TrainerEvents[E]>) => void>) {
      try {
        listener(...args);
      } catch (error) {
        this.reportListenerError(event, error);
      }
    }
  }

  private reportListenerError(event: keyof TrainerEvents, error: unknown): void {
    if (this.listenerCount("listenerError") === 0) {
      const message = error instanceof Error ? error.message : String(error);
      console.warn(`lrsim: a ${event} listener threw (training goes on): ${message}`);
      return;
    }
    for (const listener of this.listeners("listenerError")) {
      try {
        listener({ event, error });
      } catch {
        // A failing error reporter has nowhere left to report to.
      }
    }
  }

  /** Plans the run (bad specs throw here, before anything is trained), then trains it. */
  async run(options: RunOptions, signal?: AbortSignal): Promise<RunResult> {
    const config = resolveRunConfig(options);
    const plan = await planRun(config, this.catalog);
    const backend = await this.backendFactory(plan);
    try {
      return await this.train(plan, backend, signal);
    } catch (error) {
      throw error instanceof ObserverFailed ? error.error : error;
    } finally {
      await backend.close();
    }
  }

  private async evaluate(backend: TrainingBackend, plan: RunPlan): Promise<Evaluation> {
    const { train, test, shape } = plan.dataset.data;
    const classify = shape.task === "classification";
    const onTrain = await backend.evaluate("train");
    const onTest = await backend.evaluate("test");
    return {
      trainLoss: onTrain.loss / train.size,
      trainAccuracy: classify ? onTrain.correct / train.size : null,
      testLoss: onTest.loss / test.size,
      testAccuracy: classify ? onTest.correct / test.size : null,
    };
  }

  private async train(
    plan: RunPlan,
    backend: TrainingBackend,
    signal: AbortSignal | undefined,
  ): Promise<RunResult> {
    const { config, schedule } = plan;
    const n = plan.dataset.data.train.size;
    const classify = plan.dataset.data.shape.task === "classification";
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const history: EpochRecord[] = [];
    let updates = 0;
    let samples = 0;
    let reading: ScheduleReading = this.read(plan, 0);
    let ending: { status: Exclude<RunStatus, "completed">; error: string | null } | undefined;
    let failure: LrsimError | undefined;
    const noise = new NoiseScaleTracker();
    const cluster = new ClusterClock(
      clusterModel(config.cluster, config.devices),
      backend.params.length,
      plan.flopsPerSample,
    );
    let lastYield = performance.now();

    this.notify("runStart", {
      config,
      parameterCount: backend.params.length,
      kernel: plan.computedBy,
      trainSize: n,
      testSize: plan.dataset.data.test.size,
      specs: {
        schedule: schedule.spec,
        model: plan.model.spec,
        dataset: plan.dataset.spec,
        optimizer: plan.optimizer.spec,
      },
    });
    const record = (evaluation: Evaluation): EpochRecord => {
      const row = {
        epoch: samples / n,
        updates,
        samples,
        ...reading,
        ...evaluation,
        wallMs: elapsed(),
        ...noiseColumns(noise.reading()),
        clusterMs: cluster.ms(),
      };
      history.push(row);
      this.notify("epochEnd", row);
      return row;
    };

    try {
      const initial = record(await this.evaluate(backend, plan));
      let best = initial.trainLoss;
      const shuffle = createRng(config.seed, "shuffle");
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let epoch = 0; epoch < config.epochs; epoch++) {
        shuffle.shuffle(order);
        for (let position = 0; position < n; ) {
          // An in-process step never yields to the event loop by itself; without this, Ctrl-C
          // (a signal handler, a macrotask) would wait for the whole run to finish.
          if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
          if (signal?.aborted) throw new StopRun("interrupted", "interrupted");
          reading = this.read(plan, schedule.unit === "epoch" ? epoch : updates);
          const end = Math.min(position + reading.batchSize, n);
          const outcome = await backend.step(order, position, end, {
            lr: reading.lr,
            momentum: reading.momentum,
            step: updates + 1,
          });
          noise.add(outcome.noise);
          cluster.addUpdate(end - position);
          updates++;
          samples += end - position;
          const size = end - position;
          position = end;
          this.notify("stepEnd", {
            step: updates,
            epoch: samples / n,
            samples,
            ...reading,
            loss: outcome.loss,
            accuracy: classify ? outcome.correct / size : null,
            wallMs: elapsed(),
          });
          if (!Number.isFinite(outcome.loss))
            throw new StopRun(
              "diverged",
              `the training loss became ${outcome.loss} at update ${updates} (epoch ${(samples / n).toFixed(2)})`,
            );
          if (!outcome.gradientFinite)
            throw nonFiniteGradient(
              pluginLabel("model", plan.model.name, plan.model.source),
              outcome.loss,
              updates,
            );
        }
        const row = record(await this.evaluate(backend, plan));
        if (!Number.isFinite(row.trainLoss))
          throw new StopRun("diverged", `the training loss became ${row.trainLoss} at epoch ${epoch + 1}`);
        if (row.trainLoss > config.divergenceFactor * best && row.trainLoss > initial.trainLoss)
          throw new StopRun(
            "diverged",
            `the training loss ${row.trainLoss.toPrecision(4)} at epoch ${epoch + 1} exceeded ${config.divergenceFactor}x its best (${best.toPrecision(4)}) and its initial value (${initial.trainLoss.toPrecision(4)})`,
          );
        best = Math.min(best, row.trainLoss);
        if (schedule.metricDriven)
          schedule.observe(schedule.unit === "epoch" ? epoch : updates - 1, row.testLoss);
      }
    } catch (caught) {
      // Only a diverged or interrupted run, or a plugin's or the input's error, is a result;
      // a bug (a TypeError in a backend) or a failing observer (the database) is not.
      if (caught instanceof ObserverFailed) throw caught;
      // A stop request that had to end the workers (a gradient that never returned) makes the
      // step fail; the run was still interrupted, not broken.
      if (signal?.aborted && !(caught instanceof StopRun)) ending = { status: "interrupted", error: null };
      else if (caught instanceof StopRun)
        ending = { status: caught.status, error: caught.status === "interrupted" ? null : caught.message };
      else if (isLrsimError(caught)) {
        ending = { status: "failed", error: caught.message };
        failure = caught;
      } else throw caught;
      const last = history.at(-1);
      if (ending.status !== "failed" && last && last.samples !== samples) {
        try {
          record(await this.evaluate(backend, plan));
        } catch (late) {
          if (late instanceof ObserverFailed) throw late;
          // Otherwise the run is over either way; the rows recorded so far stand.
        }
      }
    }

    const final = finalOf(history);
    const summary = {
      schedule: schedule.spec,
      model: plan.model.spec,
      dataset: plan.dataset.spec,
      optimizer: plan.optimizer.spec,
      batchSize: config.batchSize,
      seed: config.seed,
      epochs: samples / n,
      updates,
      samples,
      wallMs: elapsed(),
      clusterMs: cluster.ms(),
      devices: config.devices,
      cluster: config.cluster,
      ...(config.clipGradNorm === undefined ? {} : { clipGradNorm: config.clipGradNorm }),
      history,
    };
    const result = runResultOf(summary, final, ending?.status ?? "completed", ending?.error ?? null);
    if (failure) this.notify("runFailed", failure);
    this.notify("runEnd", result);
    return result;
  }

  /** The schedule's values at clock `t`, the batch capped at the training set. */
  private read(plan: RunPlan, t: number): ScheduleReading {
    const value = plan.schedule.at(t);
    // A value training cannot use (a NaN lr, a batch of -5) fails the run here, naming the
    // schedule, the tick and the value.
    const bad = (what: string, got: unknown) =>
      errors.badScheduleValue(
        pluginLabel("schedule", plan.schedule.name),
        `${plan.schedule.unit} ${t}`,
        what,
        got,
      );
    if (typeof value !== "object" || value === null) throw bad("", value);
    if (typeof value.lr !== "number" || !Number.isFinite(value.lr) || value.lr < 0) throw bad("lr", value.lr);
    if (
      value.batchSize !== undefined &&
      !(typeof value.batchSize === "number" && value.batchSize >= 1 && Number.isFinite(value.batchSize))
    )
      throw bad("batchSize", value.batchSize);
    if (
      value.momentum !== undefined &&
      !(typeof value.momentum === "number" && Number.isFinite(value.momentum))
    )
      throw bad("momentum", value.momentum);
    const wanted = value.batchSize ?? plan.config.batchSize;
    return {
      lr: value.lr,
      batchSize: Math.max(1, Math.min(Math.round(wanted), plan.dataset.data.train.size)),
      momentum: value.momentum,
    };
  }
}

/** A reading as the two fields of an epoch record. */
function noiseColumns(reading: NoiseScaleReading): {
  noiseScale: number | null;
  noiseScaleWhy: string | null;
} {
  return { noiseScale: reading.value, noiseScaleWhy: reading.why };
}
