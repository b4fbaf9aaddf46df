import { errors } from "../errors.ts";
import type { PluginCatalog } from "../plugins/catalog.ts";
import { createRng } from "../random.ts";
import { RUN_DEFAULTS, resolveRunConfig } from "./config.ts";
import { planRun } from "./plan.ts";
import { headlineSuggestion, type Suggestions, suggestLearningRates } from "./range-test-suggest.ts";
import { type BackendFactory, localBackend } from "./trainer.ts";

/** What to test and how (the defaults follow fastai's `lr_find`). */
export interface RangeTestOptions {
  readonly model: string;
  readonly dataset: string;
  readonly optimizer?: string;
  readonly batchSize?: number;
  /** Lowest and highest lr tried. */
  readonly start?: number;
  readonly end?: number;
  /** Mini-batches per trial (lr values). */
  readonly iters?: number;
  /** `exp`: lr grows geometrically (the one-cycle article's lr_i = start * (end/start)^(i/n)); `linear`: arithmetically. */
  readonly mode?: "exp" | "linear";
  /** EMA factor of the smoothed loss (bias-corrected). */
  readonly smoothing?: number;
  /** Stop when the smoothed loss exceeds this multiple of its best. */
  readonly stopFactor?: number;
  /** Repetitions from different initialisations (the Learning Rate Finder article), each from a fresh model. */
  readonly trials?: number;
  readonly seed?: number;
  /**
   * Clip the mean gradient to this global L2 norm before every update, as a run with the same
   * `clipGradNorm` does (test the lr range of the training you will do); absent: no clipping.
   */
  readonly clipGradNorm?: number | undefined;
}

/** One trial of a range test: lr, raw and smoothed loss per mini-batch, and its own suggestions. */
interface RangeTestTrial {
  readonly lr: number[];
  readonly loss: number[];
  readonly smoothedLoss: number[];
  readonly suggestions: Suggestions;
}

/** A finished range test: the trials, the suggestions of the first and their spread over all. */
export interface RangeTestResult {
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly options: Required<Omit<RangeTestOptions, "model" | "dataset" | "clipGradNorm">> & {
    readonly clipGradNorm?: number;
  };
  /**
   * The headline suggestion: a tenth of the lr at the lowest smoothed loss (the one-cycle
   * article's rule of thumb) on the first trial, else fastai's valley, else steepest descent.
   * Of the three rules it is the one that trains well on every built-in dataset (tested):
   * valley is often ten times too cautious, steepest can land where the loss is blowing up.
   */
  readonly suggestedLr: number | null;
  readonly suggestions: Suggestions;
  readonly trials: RangeTestTrial[];
  /** Spread of each rule's suggestion over the trials: min and max. */
  readonly spread: Readonly<Record<keyof Suggestions, { min: number; max: number } | null>>;
}

/** lr of iteration `i` of `iters`. */
export function rangeTestLr(
  i: number,
  iters: number,
  start: number,
  end: number,
  mode: "exp" | "linear",
): number {
  const fraction = iters > 1 ? i / (iters - 1) : 0;
  return mode === "exp" ? start * (end / start) ** fraction : start + (end - start) * fraction;
}

/**
 * The learning-rate range test (Smith 2017; fastai's `lr_find`; pytorch-lr-finder): train from a
 * fresh model while the lr grows each mini-batch from `start` to `end`, smooth the loss, stop when
 * it explodes, and suggest learning rates from the curve. Nothing carries over between trials.
 */
export async function findLr(
  options: RangeTestOptions,
  catalog: PluginCatalog,
  backendFactory: BackendFactory = localBackend,
): Promise<RangeTestResult> {
  const o = {
    optimizer: options.optimizer ?? RUN_DEFAULTS.optimizer,
    batchSize: options.batchSize ?? 64,
    start: options.start ?? 1e-7,
    end: options.end ?? 10,
    iters: options.iters ?? 100,
    mode: options.mode ?? "exp",
    smoothing: options.smoothing ?? 0.98,
    stopFactor: options.stopFactor ?? 4,
    trials: options.trials ?? 1,
    seed: options.seed ?? 0,
    ...(options.clipGradNorm === undefined ? {} : { clipGradNorm: options.clipGradNorm }),
  } as const;
  if (!(o.start > 0 && Number.isFinite(o.start)))
    throw errors.invalidOption("start", "a positive number", String(o.start));
  if (!(o.end > o.start && Number.isFinite(o.end)))
    throw errors.invalidOption("end", "a number above", String(o.end), {
      option: "start",
      value: String(o.start),
    });
  if (!(Number.isInteger(o.iters) && o.iters >= 5))
    throw errors.invalidOption("iters", "an integer >= 5", String(o.iters));
  if (!(o.smoothing >= 0 && o.smoothing < 1))
    throw errors.invalidOption("smoothing", "a number in [0, 1)", String(o.smoothing));
  if (!(o.stopFactor > 1)) throw errors.invalidOption("stopFactor", "a number > 1", String(o.stopFactor));
  if (!(Number.isInteger(o.trials) && o.trials >= 1))
    throw errors.invalidOption("trials", "a positive integer", String(o.trials));

  const trials: RangeTestTrial[] = [];
  let specs = { model: options.model, dataset: options.dataset, optimizer: o.optimizer };
  for (let trial = 0; trial < o.trials; trial++) {
    const config = resolveRunConfig({
      model: options.model,
      dataset: options.dataset,
      optimizer: o.optimizer,
      batchSize: o.batchSize,
      seed: o.seed + trial,
      noiseScale: false,
      clipGradNorm: o.clipGradNorm,
    });
    const plan = await planRun(config, catalog);
    specs = { model: plan.model.spec, dataset: plan.dataset.spec, optimizer: plan.optimizer.spec };
    const backend = await backendFactory(plan);
    try {
      trials.push(await oneTrial(backend, o, o.seed + trial));
    } finally {
      await backend.close();
    }
  }
  const first = trials[0]!;
  const spreadOf = (key: keyof Suggestions) => {
    const values = trials.map((t) => t.suggestions[key]).filter((v): v is number => v !== null);
    return values.length
      ? { min: values.reduce((a, b) => Math.min(a, b)), max: values.reduce((a, b) => Math.max(a, b)) }
      : null;
  };
  return {
    ...specs,
    options: o,
    suggestedLr: headlineSuggestion(first.suggestions),
    suggestions: first.suggestions,
    trials,
    spread: {
      steepest: spreadOf("steepest"),
      valley: spreadOf("valley"),
      minimumOverTen: spreadOf("minimumOverTen"),
    },
  };
}

async function oneTrial(
  backend: Awaited<ReturnType<BackendFactory>>,
  o: Required<
    Pick<RangeTestOptions, "batchSize" | "start" | "end" | "iters" | "mode" | "smoothing" | "stopFactor">
  >,
  seed: number,
): Promise<RangeTestTrial> {
  const n = backend.dataset.train.size;
  const batch = Math.min(o.batchSize, n);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const shuffle = createRng(seed, "range-test");
  shuffle.shuffle(order);
  const lr: number[] = [];
  const loss: number[] = [];
  const smoothedLoss: number[] = [];
  let average = 0;
  let best = Number.POSITIVE_INFINITY;
  let position = 0;
  for (let i = 0; i < o.iters; i++) {
    if (position + batch > n) {
      shuffle.shuffle(order);
      position = 0;
    }
    const rate = rangeTestLr(i, o.iters, o.start, o.end, o.mode);
    const outcome = await backend.step(order, position, position + batch, {
      lr: rate,
      momentum: undefined,
      step: i + 1,
    });
    position += batch;
    average = o.smoothing * average + (1 - o.smoothing) * outcome.loss;
    const smoothed = average / (1 - o.smoothing ** (i + 1));
    lr.push(rate);
    loss.push(outcome.loss);
    smoothedLoss.push(smoothed);
    if (!Number.isFinite(smoothed) || (i > 0 && smoothed > o.stopFactor * best)) break;
    best = Math.min(best, smoothed);
  }
  return { lr, loss, smoothedLoss, suggestions: suggestLearningRates(lr, smoothedLoss) };
}
