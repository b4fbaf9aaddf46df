import { smithMilestones } from "@lrsim/builtins";
import { formatCall, formatNumber, parseSpecList, type SpecArg, type SpecCall } from "@lrsim/core";

/** The shared settings every schedule of a comparison is filled in from. */
export interface Protocol {
  readonly lr: number;
  readonly batchSize: number;
  readonly factor: number;
  readonly epochs: number;
}

const num = (value: number): SpecArg["value"] => ({ kind: "number", value });
const list = (values: number[]): SpecArg["value"] => ({ kind: "list", items: values.map(num) });

/**
 * Fills a schedule in from the comparison's protocol (Smith et al. 2018, §5.1): decays and batch
 * ramps happen at the same epoch milestones (30/60/80% of the run) by the same factor; `step`
 * divides the lr by the factor there (`multistep`), `batchramp` multiplies the batch instead,
 * `hybrid` ramps the batch once, then decays the lr; `onecycle` and `cosine` span the run.
 * Parameters given in the spec win over the protocol; unknown names pass through untouched.
 */
function applyProtocol(call: SpecCall, p: Protocol): SpecCall {
  const given = new Set(call.args.map((a) => a.key));
  const positional = call.args.some((a) => a.key === undefined);
  if (positional) return call;
  const milestones = smithMilestones({ length: p.epochs }) ?? [];
  const fill = (name: string, defaults: Record<string, SpecArg["value"]>): SpecCall => ({
    kind: "call",
    name,
    args: [
      ...Object.entries(defaults)
        .filter(([k]) => !given.has(k))
        .map(([key, value]) => ({ key, value })),
      ...call.args,
    ],
  });
  switch (call.name) {
    case "step":
      if (given.has("stepSize")) return fill("step", { lr: num(p.lr), gamma: num(1 / p.factor) });
      return fill("multistep", { lr: num(p.lr), milestones: list(milestones), gamma: num(1 / p.factor) });
    case "multistep":
      return fill("multistep", { lr: num(p.lr), milestones: list(milestones), gamma: num(1 / p.factor) });
    case "batchramp":
    case "hybrid":
      return fill(call.name, {
        lr: num(p.lr),
        batchSize: num(p.batchSize),
        factor: num(p.factor),
        milestones: list(milestones),
      });
    case "onecycle":
      return fill("onecycle", { maxLr: num(p.lr) });
    case "cosine":
    case "constant":
    case "exponential":
    case "timedecay":
    case "polynomial":
    case "linear":
    case "plateau":
      return fill(call.name, { lr: num(p.lr) });
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
  const milestones = smithMilestones({ length: p.epochs }) ?? [];
  return `lr ${formatNumber(p.lr)}, batch ${p.batchSize}, factor ${formatNumber(p.factor)} at epochs [${milestones.join(", ")}] of ${p.epochs}`;
}
