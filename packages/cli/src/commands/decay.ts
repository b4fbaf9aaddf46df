import { type DecaySolution, solveDecay } from "@lrsim/core";
import type { Argv } from "yargs";
import type { CliIo } from "../io.ts";
import { renderTable } from "../render/table.ts";

interface DecayArgs {
  initialLr: number;
  finalLr: number;
  totalSteps: number;
  updates: number;
  json: boolean;
}

export function decayCommand(io: CliIo) {
  return {
    command: "decay",
    describe: "Solve for the step decay that takes the lr from A to B in m decays over M steps",
    builder: (y: Argv) =>
      y
        .option("initial-lr", {
          type: "number",
          demandOption: true,
          describe: "Learning rate at the start (A)",
        })
        .option("final-lr", {
          type: "number",
          demandOption: true,
          describe: "Learning rate after the last decay (B)",
        })
        .option("total-steps", {
          type: "number",
          demandOption: true,
          describe: "Length of training M, in the unit the schedule will count",
        })
        .option("updates", {
          type: "number",
          demandOption: true,
          describe: "How many times the lr is multiplied by gamma (m)",
        })
        .option("json", {
          type: "boolean",
          default: false,
          describe: 'Print {"gamma", "stepSize", "stepSpec", "warnings", ...}',
        })
        .example(
          "$0 decay --initial-lr 0.1 --final-lr 0.0001 --total-steps 1000000 --updates 10000",
          "the step-decay reverse-engineering article's example: gamma ~= 0.99930946, n = 100",
        ),
    handler: (args: DecayArgs) => {
      const solution = solveDecay(args.initialLr, args.finalLr, args.totalSteps, args.updates);
      io.out(args.json ? JSON.stringify(solution) : render(solution));
      if (!args.json) for (const warning of solution.warnings) io.err(`warning: ${warning}`);
    },
  };
}

function render(s: DecaySolution): string {
  const rows = [
    ["gamma = (B/A)^(1/m)", String(s.gamma)],
    ["step size n = M/m", String(s.stepSize)],
    ["lr at the last step", String(s.lastStepLr)],
    [
      "gamma in float32",
      `${s.float32.gamma32} (1 - gamma spans ${s.float32.spacings.toPrecision(3)} float32 spacings)`,
    ],
    ["per-step gamma (m = M)", String(s.perStepGamma)],
  ];
  const specs = [`  ${s.stepSpec}`];
  if (s.multistepSpec) specs.push(`  ${s.multistepSpec}`);
  else specs.push(`  (multistep would list ${s.updates} milestones; use the step spec)`);
  specs.push(`  ${s.exponentialSpec}   (per step)`);
  return [
    renderTable([{ header: "quantity" }, { header: "value" }], rows),
    "",
    "equivalent schedules:",
    ...specs,
  ].join("\n");
}
