import {
  formatCall,
  formatNumber,
  parseSpec,
  parseSpecList,
  type SpecArg,
  type SpecCall,
  smithMilestones,
} from "@lrsim/core";

/** The learning-rate scaling rules of `batchramp` and `hybrid` (Goyal et al. 2017). */
export const LR_SCALING_RULES = ["none", "linear", "sqrt"] as const;
export type LrScaling = (typeof LR_SCALING_RULES)[number];

/** The shared settings every schedule of a comparison is filled in from. */
export interface Protocol {
  readonly lr: number;
  readonly batchSize: number;
  readonly factor: number;
  readonly epochs: number;
  /** How the batch-growing schedules scale the lr with the batch; absent: they keep it. */
  readonly lrScaling?: LrScaling;
}

const num = (value: number): SpecArg["value"] => ({ kind: "number", value });
const list = (values: number[]): SpecArg["value"] => ({ kind: "list", items: values.map(num) });

/** The factor by which bare `step` divides the lr at each milestone outside compare (compare's --factor default). */
const STEP_FACTOR = 5;

/** Adds `defaults` the call does not give itself, under the name `name`. */
function fill(call: SpecCall, name: string, defaults: Record<string, () => SpecArg["value"]>): SpecCall {
  const given = new Set(call.args.map((a) => a.key));
  return {
    kind: "call",
    name,
    args: [
      ...Object.entries(defaults)
        .filter(([k]) => !given.has(k))
        .map(([key, value]) => ({ key, value: value() })),
      ...call.args,
    ],
  };
}

/**
 * The one meaning of bare `step` (no `stepSize`), in compare, run and schedule alike: Smith
 * et al. (2018)'s step decay, `multistep` dividing the lr by `factor` at 30/60/80% of the run's
 * `length` (milestones kept distinct; a run too short to hold them is refused). `step` with a
 * `stepSize`, positional arguments, and every other schedule pass through unchanged.
 */
function deriveStep(call: SpecCall, length: number, factor = STEP_FACTOR): SpecCall {
  const keys = new Set(call.args.map((a) => a.key));
  if (call.name !== "step" || keys.has("stepSize") || keys.has(undefined)) return call;
  return fill(call, "multistep", {
    milestones: () => list(smithMilestones({ length }) ?? []),
    gamma: () => num(1 / factor),
  });
}

/** A schedule spec with bare `step` derived for a run of `length` (see {@link deriveStep}), as spec text. */
export function deriveScheduleSpec(text: string, length: number): string {
  const call = parseSpec(text);
  const derived = deriveStep(call, length);
  return derived === call ? text : formatCall(derived);
}

/**
 * Fills a schedule in from the comparison's protocol (Smith et al. 2018, §5.1): decays and batch
 * ramps happen at the same epoch milestones (30/60/80% of the run) by the same factor; `step`
 * divides the lr by the factor there (`multistep`), `batchramp` multiplies the batch instead,
 * `hybrid` ramps the batch once, then decays the lr; `onecycle` and `cosine` span the run.
 * Parameters given in the spec win over the protocol; unknown names pass through untouched.
 */
function applyProtocol(call: SpecCall, p: Protocol): SpecCall {
  if (call.args.some((a) => a.key === undefined)) return call;
  const lr = () => num(p.lr);
  const gamma = () => num(1 / p.factor);
  const milestones = () => list(smithMilestones({ length: p.epochs }) ?? []);
  switch (call.name) {
    case "step":
      if (call.args.some((a) => a.key === "stepSize")) return fill(call, "step", { lr, gamma });
      return fill(deriveStep(call, p.epochs, p.factor), "multistep", { lr });
    case "multistep":
      return fill(call, "multistep", { lr, milestones, gamma });
    case "batchramp":
    case "hybrid":
      return fill(call, call.name, {
        lr,
        batchSize: () => num(p.batchSize),
        factor: () => num(p.factor),
        milestones,
        ...(p.lrScaling
          ? { lrScaling: (): SpecArg["value"] => ({ kind: "string", value: p.lrScaling!, quoted: false }) }
          : {}),
      });
    case "onecycle":
      return fill(call, "onecycle", { maxLr: lr });
    case "cosine":
    case "constant":
    case "exponential":
    case "timedecay":
    case "polynomial":
    case "linear":
    case "plateau":
      return fill(call, call.name, { lr });
    default:
      return call;
  }
}

/** The `--schedules` list, each filled in from the protocol, as spec text. */
export function protocolSchedules(text: string, p: Protocol): string[] {
  return parseSpecList(text).map((call) => formatCall(applyProtocol(call, p)));
}

/** One line for --help and the table header: what the protocol is. */
export function describeProtocol(p: Protocol): string {
  const at =
    p.epochs >= SMITH_MIN_LENGTH
      ? ` at epochs [${(smithMilestones({ length: p.epochs }) ?? []).join(", ")}]`
      : "";
  const scaling = p.lrScaling ? `, lr scaled ${p.lrScaling} with the batch` : "";
  return `lr ${formatNumber(p.lr)}, batch ${p.batchSize}, factor ${formatNumber(p.factor)}${at} of ${p.epochs}${scaling}`;
}

/** The shortest run that holds Smith et al.'s three distinct milestones. */
const SMITH_MIN_LENGTH = 4;

/**
 * The `--schedules` list with the control first: the protocol's constant rate, unless a
 * `constant` is there already or `control` is false.
 */
export function withControl(text: string, control: boolean): string {
  if (!control || parseSpecList(text).some((call) => call.name === "constant")) return text;
  return `constant,${text}`;
}
