import { errors } from "../errors.ts";
import { formatNumber } from "../spec/format.ts";
import { ordinal } from "../text.ts";

/** Largest number of milestones spelt out in a `multistep` spec; past it, use `step`. */
const MAX_LISTED_MILESTONES = 64;
/** Relative error in the final lr beyond which float32 is called unfaithful. */
const FLOAT32_TOLERANCE = 1e-3;
/** Spacing of float32 values just below 1 (2^-24). */
const FLOAT32_SPACING_BELOW_ONE = 2 ** -24;

/** Whether a solved step decay survives float32: the final lr in double and float32 arithmetic, and their difference. */
interface Float32Check {
  /** `gamma` as float32 stores it. */
  readonly gamma32: number;
  /** `1 - gamma`, the per-update decay float32 must resolve. */
  readonly oneMinusGamma: number;
  /** `(1 - gamma) / 2^-24`: how many float32 steps below 1 the decay spans. */
  readonly spacings: number;
  /** Relative error of the final lr when gamma is applied in float32 `updates` times. */
  readonly finalLrError: number;
  readonly faithful: boolean;
}

/** The solution of the step-decay reverse-engineering article's problem: a step decay from `initialLr` to `finalLr` in `updates` decays. */
export interface DecaySolution {
  readonly initialLr: number;
  readonly finalLr: number;
  readonly totalSteps: number;
  readonly updates: number;
  /** gamma = (finalLr / initialLr)^(1 / updates). */
  readonly gamma: number;
  /** n = totalSteps / updates (rounded down when it does not divide). */
  readonly stepSize: number;
  readonly stepSpec: string;
  /** Spelt out only up to 64 milestones. */
  readonly multistepSpec: string | undefined;
  /** The per-step alternative: exponential decay with gamma^(1/stepSize) every step. */
  readonly exponentialSpec: string;
  readonly perStepGamma: number;
  /** The lr in force at the last step, t = totalSteps - 1 (PyTorch StepLR semantics). */
  readonly lastStepLr: number;
  /** Decays applied before the last step; the m-th lands at t = updates * stepSize. */
  readonly decaysBeforeLastStep: number;
  readonly float32: Float32Check;
  readonly perStepFloat32: Float32Check;
  readonly warnings: readonly string[];
}

function float32Check(gamma: number, updates: number): Float32Check {
  const gamma32 = Math.fround(gamma);
  const finalLrError = Math.abs(Math.exp(updates * (Math.log(gamma32) - Math.log(gamma))) - 1);
  const oneMinusGamma = 1 - gamma;
  return {
    gamma32,
    oneMinusGamma,
    spacings: Math.abs(oneMinusGamma) / FLOAT32_SPACING_BELOW_ONE,
    finalLrError,
    faithful: finalLrError <= FLOAT32_TOLERANCE,
  };
}

function warnFloat32(label: string, check: Float32Check, updates: number): string | undefined {
  if (check.faithful) return undefined;
  const percent = formatNumber(Number((check.finalLrError * 100).toPrecision(3)));
  const gone = check.gamma32 === 1 ? " float32 rounds gamma to exactly 1, so the lr never decays;" : "";
  return (
    `${label}: 1 - gamma = ${check.oneMinusGamma.toPrecision(3)} is only ${check.spacings.toPrecision(3)} float32 spacings (2^-24) below 1;` +
    `${gone} applied ${updates} times in float32 the final lr is off by ${percent}%. ` +
    "PyTorch keeps lr in float64 and is unaffected; float32 schedules (TensorFlow, JAX) are not."
  );
}

function positive(option: string, value: number, integer: boolean): void {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw errors.invalidOption(option, integer ? "a positive integer" : "a positive number", String(value));
}

/**
 * Solves for the step decay that takes the lr from `initialLr` to `finalLr` with `updates`
 * multiplications spread evenly over `totalSteps` steps (the step-decay reverse-engineering article), and checks whether the
 * decay survives float32.
 */
export function solveDecay(
  initialLr: number,
  finalLr: number,
  totalSteps: number,
  updates: number,
): DecaySolution {
  positive("initialLr", initialLr, false);
  positive("finalLr", finalLr, false);
  positive("totalSteps", totalSteps, true);
  positive("updates", updates, true);
  if (updates > totalSteps)
    throw errors.invalidOption("updates", "at most", String(updates), {
      option: "totalSteps",
      value: String(totalSteps),
    });

  const gamma = (finalLr / initialLr) ** (1 / updates);
  const stepSize = Math.floor(totalSteps / updates);
  const perStepGamma = (finalLr / initialLr) ** (1 / totalSteps);
  const decaysBeforeLastStep = Math.floor((totalSteps - 1) / stepSize);
  const lastStepLr = initialLr * gamma ** decaysBeforeLastStep;
  const lr = formatNumber(initialLr);
  // Only spelt out when short: --updates may be 1e8.
  const milestones =
    updates <= MAX_LISTED_MILESTONES ? Array.from({ length: updates }, (_, i) => (i + 1) * stepSize) : [];
  const float32 = float32Check(gamma, updates);
  const perStepFloat32 = float32Check(perStepGamma, totalSteps);

  const warnings: string[] = [];
  if (totalSteps % updates !== 0)
    warnings.push(
      `--total-steps (${totalSteps}) is not a multiple of --updates (${updates}); stepSize is rounded down to ${stepSize}`,
    );
  if (decaysBeforeLastStep < updates)
    warnings.push(
      `with StepLR semantics the last step (t = ${totalSteps - 1}) runs at lr ${formatNumber(lastStepLr)} after ${decaysBeforeLastStep} decays; ` +
        `the ${ordinal(updates)} decay, reaching ${formatNumber(finalLr)}, lands at t = ${updates * stepSize}`,
    );
  const own = warnFloat32("gamma", float32, updates);
  if (own) warnings.push(own);
  const perStep = warnFloat32("per-step gamma (exponential every step)", perStepFloat32, totalSteps);
  if (perStep) warnings.push(perStep);

  return {
    initialLr,
    finalLr,
    totalSteps,
    updates,
    gamma,
    stepSize,
    stepSpec: `step(lr=${lr}, stepSize=${stepSize}, gamma=${formatNumber(gamma)}, unit=step)`,
    multistepSpec:
      updates <= MAX_LISTED_MILESTONES
        ? `multistep(lr=${lr}, milestones=[${milestones.join(",")}], gamma=${formatNumber(gamma)}, unit=step)`
        : undefined,
    exponentialSpec: `exponential(lr=${lr}, gamma=${formatNumber(perStepGamma)}, unit=step)`,
    perStepGamma,
    lastStepLr,
    decaysBeforeLastStep,
    float32,
    perStepFloat32,
    warnings,
  };
}
