import type { ParameterGroup } from "@lrsim/core/plugin-api";
import { param } from "@lrsim/core/plugin-api";

/** LARS's and LAMB's switch for leaving biases alone, as the authors' implementations do. */
export const excludeBiasesParam = param.boolean({
  doc: "Leave bias (and other non-weight) groups out of weight decay and the trust ratio.",
  default: true,
});

/** Whether a group gets weight decay and a trust ratio: weights always, the rest unless excluded. */
export function adapted(group: ParameterGroup, excludeBiases: boolean): boolean {
  return !excludeBiases || group.kind === "weight";
}

/**
 * optax's `scale_by_trust_ratio`: `trustCoefficient * |w| / (|u| + eps)` from a group's squared
 * norms, and 1 when either norm is zero (so an all-zero layer still moves).
 */
export function trustRatio(
  paramSquared: number,
  updateSquared: number,
  trustCoefficient: number,
  eps: number,
): number {
  const paramNorm = Math.sqrt(paramSquared);
  const updateNorm = Math.sqrt(updateSquared);
  if (paramNorm === 0 || updateNorm === 0) return 1;
  return (trustCoefficient * paramNorm) / (updateNorm + eps);
}
