/**
 * Writes docs/reproducing-smith-2018.md: the paper's claim, the search for a protocol in which
 * it can be tested (from scripts/protocol-search.jsonl, written by `pnpm search:protocol`), the
 * headline comparison on that protocol with 3 seeds and the constant-rate control, train-loss
 * curves against epochs and against updates, and how the simulated cluster time changes with
 * the interconnect. Every number in the doc comes from a command the doc names.
 *
 *   pnpm reproduce:smith            runs the comparisons (about 2 minutes on 2 cores), then writes the doc
 *   pnpm reproduce:smith --show ID  takes the headline comparison ID from ./lrsim.db (or $LRSIM_DB)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ClusterClock, clusterModel, denseFlopsPerSample, type RunResult } from "@lrsim/core";
import type { CliIo } from "../packages/cli/src/io.ts";
import { main } from "../packages/cli/src/main.ts";
import { renderChart } from "../packages/cli/src/render/chart.ts";
import { CANDIDATES, judge, RESULTS, type ScheduleSummary } from "./protocol-search.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const HEADLINE = ["compare", "--schedules", "constant,step,batchramp", "--seeds", "3"];
const PRESETS = ["a100-nvlink", "v100-nvlink", "a100-infiniband", "cpu-100gbe", "cpu-10gbe"];
const args = process.argv.slice(2);

async function lrsim(argv: string[]): Promise<string> {
  let out = "";
  const io: CliIo = {
    out: (t) => (out += `${t}\n`),
    err: () => {},
    isTTY: false,
    isErrTTY: false,
    env: process.env,
    cwd: root,
  };
  const code = await main(argv, io);
  if (code !== 0) throw new Error(`lrsim ${argv.join(" ")} exited ${code}`);
  return out;
}

/** Quotes an argument for the doc's command lines when it holds spaces or commas. */
const shell = (argv: string[]) => `lrsim ${argv.map((a) => (/[ ()"]/.test(a) ? `"${a}"` : a)).join(" ")}`;

type Compared = { comparisonId: number; runs: RunResult[] };

/** The parameters and FLOPs per sample of the MNIST softmax that runs, and of a wide MLP priced on the same updates. */
const SOFTMAX = { parameters: 785 * 10, flops: denseFlopsPerSample([784, 10]) };
const WIDE_SIZES = [784, 4096, 4096, 10];
const WIDE = {
  parameters: WIDE_SIZES.slice(1).reduce((n, out, i) => n + (WIDE_SIZES[i]! + 1) * out, 0),
  flops: denseFlopsPerSample(WIDE_SIZES),
};

/**
 * The batch of every update of a run whose batch changes only at epoch boundaries (every
 * schedule here): per epoch, full batches of the epoch's size and a last one of what is left.
 */
function updateBatches(run: RunResult): number[] {
  const batches: number[] = [];
  for (let e = 1; e < run.history.length; e++) {
    const row = run.history[e]!;
    const previous = run.history[e - 1]!;
    const updates = row.updates - previous.updates;
    const samples = row.samples - previous.samples;
    for (let u = 0; u < updates - 1; u++) batches.push(row.batchSize);
    batches.push(samples - (updates - 1) * row.batchSize);
  }
  return batches;
}

const showIndex = args.indexOf("--show");
const headline = JSON.parse(
  showIndex >= 0
    ? await lrsim(["compare", "--show", args[showIndex + 1]!, "--json"])
    : await lrsim([...HEADLINE, "--json"]),
) as Compared;
const id = headline.comparisonId;
const shown = await lrsim(["compare", "--show", String(id)]);
// The header line and the table; the figures after them are drawn here from train loss instead.
const tableText = shown.split("\n\n").slice(0, 2).join("\n\n");

function groups(runs: RunResult[]): Map<string, RunResult[]> {
  const out = new Map<string, RunResult[]>();
  for (const run of runs) out.set(run.schedule, [...(out.get(run.schedule) ?? []), run]);
  return out;
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
function stat(values: number[]) {
  const m = mean(values);
  return {
    mean: m,
    std: Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1)),
  };
}
function summary(runs: RunResult[]): ScheduleSummary {
  return {
    schedule: runs[0]!.schedule,
    trainLoss: stat(runs.map((r) => r.final?.trainLoss ?? Number.NaN)),
    testAccuracy: stat(runs.map((r) => r.final?.testAccuracy ?? Number.NaN)),
    testLoss: stat(runs.map((r) => r.final?.testLoss ?? Number.NaN)),
    updates: mean(runs.map((r) => r.updates)),
    statuses: [...new Set(runs.map((r) => r.status))],
  };
}
const bySchedule = [...groups(headline.runs)];
const [constant, step, ramp] = bySchedule.map(([, runs]) => summary(runs)) as [
  ScheduleSummary,
  ScheduleSummary,
  ScheduleSummary,
];
const verdict = judge(constant, step, ramp);
const seeds = bySchedule[0]![1].length;
const first = headline.runs[0]!;

/** Seed-mean train loss per evaluation, against epoch or updates. */
function curves(x: (h: RunResult["history"][number]) => number) {
  return bySchedule.map(([schedule, runs]) => ({
    name: schedule.replace(/\(.*$/s, ""),
    x: runs[0]!.history.map(x),
    y: runs[0]!.history.map((_, i) => mean(runs.map((r) => r.history[i]?.trainLoss ?? Number.NaN))),
  }));
}
const chartOptions = { color: false, height: 12, logY: true };
const byEpoch = renderChart(
  curves((h) => h.epoch),
  { ...chartOptions, title: `train loss vs epoch (mean of ${seeds} seeds, log)`, xLabel: "epoch" },
);
const byUpdates = renderChart(
  curves((h) => h.updates),
  {
    ...chartOptions,
    title: `train loss vs parameter updates (mean of ${seeds} seeds, log)`,
    xLabel: "updates",
  },
);

// How the simulated time changes with the hardware: step decay vs the batch ramp.
const DEVICES = 8;
const interconnect: Array<{
  command: string;
  preset: string;
  step: number;
  ramp: number;
  wide: [number, number];
}> = [];
for (const preset of PRESETS) {
  const argv = [
    "compare",
    "--schedules",
    "step,batchramp",
    "--no-control",
    "--cluster",
    `devices=${DEVICES}, preset=${preset}`,
  ];
  const r = JSON.parse(await lrsim([...argv, "--json"])) as Compared;
  const [stepRun, rampRun] = r.runs as [RunResult, RunResult];
  const model = clusterModel(preset, DEVICES);
  // The same updates priced for the model that ran (checked against the run's own figure) and
  // for a wide MLP, whose compute per sample is large beside its gradient.
  const priced = (run: RunResult, parameters: number, flops: number) => {
    const clock = new ClusterClock(model, parameters, flops);
    for (const batch of updateBatches(run)) clock.addUpdate(batch);
    return clock.ms();
  };
  for (const run of [stepRun, rampRun])
    if (priced(run, SOFTMAX.parameters, SOFTMAX.flops) !== run.clusterMs)
      throw new Error(`re-pricing ${run.schedule} on ${preset} did not reproduce its simulated time`);
  interconnect.push({
    command: shell(argv),
    preset,
    step: stepRun.clusterMs,
    ramp: rampRun.clusterMs,
    wide: [priced(stepRun, WIDE.parameters, WIDE.flops), priced(rampRun, WIDE.parameters, WIDE.flops)],
  });
}

// The search, as recorded.
interface Recorded {
  name: string;
  settings: Record<string, unknown>;
  seeds: number;
  wallS: number;
  schedules: ScheduleSummary[];
  verdict: ReturnType<typeof judge>;
}
const recorded = readFileSync(RESULTS, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Recorded);
const latest = new Map(recorded.map((r) => [r.name, r]));
const order = CANDIDATES.map((c) => c.name).filter((n) => latest.has(n));
const f = (x: number, d = 3) => x.toFixed(d);
const pm = (s: { mean: number; std: number }, d = 3) => `${f(s.mean, d)} ± ${f(s.std, d)}`;
const pct = (s: { mean: number; std: number }) =>
  `${(s.mean * 100).toFixed(2)}% ± ${(s.std * 100).toFixed(2)}`;
const searchRows = order.map((name) => {
  const r = latest.get(name)!;
  const s = r.settings as {
    model: string;
    dataset: string;
    optimizer: string;
    lr: number;
    batchSize: number;
    epochs: number;
    factor: number;
    seed?: number;
  };
  const [c, st, ra] = r.schedules as [ScheduleSummary, ScheduleSummary, ScheduleSummary];
  const v = r.verdict;
  return `| ${name} | ${s.model}, ${s.dataset}, ${s.optimizer}, lr ${s.lr}, batch ${s.batchSize}, ${s.epochs} epochs, factor ${s.factor}${s.seed ? `, seeds ${s.seed}–${s.seed + 2}` : ""} | ${f(c.trainLoss.mean)} / ${f(st.trainLoss.mean)} / ${f(ra.trainLoss.mean)} | ${(c.testAccuracy.mean * 100).toFixed(1)} / ${(st.testAccuracy.mean * 100).toFixed(1)} / ${(ra.testAccuracy.mean * 100).toFixed(1)} | ${c.trainLoss.mean > st.trainLoss.mean ? "" : "−"}${f(v.controlLoss, 1)} / ${c.testAccuracy.mean < st.testAccuracy.mean ? "" : "−"}${f(v.controlAccuracy, 1)} | ${f(v.rampLoss, 1)} / ${f(v.rampAccuracy, 1)} | ${f(v.fewer, 2)}× | ${v.pass ? "**pass**" : "fail"} |`;
});

const defaults = first;
const doc = `# Reproducing Smith et al. (2018) with lrsim

*Generated by \`scripts/reproduce-smith-2018.ts\` (\`pnpm reproduce:smith\`, about two minutes on
2 cores) from comparison ${id} and the search recorded in \`scripts/protocol-search.jsonl\`
(\`pnpm search:protocol\`). Re-running either gives the same numbers, bit for bit, on any machine
and any worker count; only the wall-clock column differs.*

## The claim

Smith, Kindermans, Ying & Le, *Don't Decay the Learning Rate, Increase the Batch Size*
(ICLR 2018): instead of dividing the learning rate by a factor at milestones, multiply the batch
size by that factor. At the same number of epochs the model follows the same training curve and
reaches the same test accuracy, with fewer parameter updates — so more parallelism and shorter
training. The claim is made where decaying matters: a constant learning rate does clearly worse.

## Finding a protocol in which the question has an answer

On lrsim's first protocol (the MNIST MLP, lr 0.1, batch 128, 20 epochs, momentum 0.9) a
**constant** learning rate did as well as step decay, so "the batch ramp matches step decay"
said nothing: nothing differed. \`scripts/protocol-search.ts\` tries candidate protocols, each with
\`constant,step,batchramp\` over 3 seeds, and judges them by the criteria the headline must meet:

- **control**: constant is worse than step decay on final train loss *and* final test
  accuracy, each gap more than 2× the larger seed std of the two;
- **ramp**: batchramp within 2× the larger std of step decay on both;
- **updates**: step decay makes ≥ 2.5× as many parameter updates as the ramp.

Gaps are in units of that std (a "−" means the control was *better*). Train loss and accuracy
columns read constant / step / batchramp, means over the seeds:

| candidate | protocol | train loss | test acc % | control gap (loss / acc) | ramp gap (loss / acc) | fewer updates | verdict |
|---|---|---|---|---|---|---|---|
${searchRows.join("\n")}

What the search showed (candidate names refer to the rows above):

- **The MLP memorizes** (\`old-default\`): with 8,000 clean digits and ~100k parameters the MLP
  fits the training set at a constant rate better than step decay does, which only slows it.
  At lr 0.5 (\`mlp-lr0.5-e10\`) its seed spread swamps every gap.
- **Label noise** (\`mlp-noise*\`): decay now wins on test accuracy, but the MLP at a constant
  rate fits the noisy labels better, so the control fails on train loss.
- **Softmax regression cannot interpolate**, so SGD at a high constant rate stays at its noise
  floor. At lr 0.1 (\`softmax-e10\`, \`softmax-b64-e10\`) the rate is still progress-limited and
  constant fits better; from lr 0.5 (\`softmax-lr0.5-e10\`, \`softmax-lr1-*\`, \`softmax-lr2-e20\`)
  constant is worse on both train loss and test accuracy; at lr 0.3 (\`softmax-lr0.3-b64-e20\`)
  only on test accuracy. On 4,000 digits (\`softmax-4k-*\`) the
  7,850-parameter softmax nearly interpolates again and the gap closes.
- **The ramp lags when its last phases have too few updates.** From batch 128 the ramp reaches
  the whole training set with 1–3 updates per epoch, too few for momentum 0.9 to build up, and
  passes at 10 epochs failed on fresh seeds (\`*-seeds3-5\`). With label noise on softmax
  (\`softmax-noise20-*\`) the control separates by 6–8 stds, but step decay's train loss is so
  consistent that the ramp's lag of 1–3% is several stds, even at factor 4. Plain SGD
  (\`softmax-sgd-*\`) has no momentum to lag — the ramp tracks step decay within a fraction of a
  std — but its constant-rate runs are so erratic that their spread hides the control's gap.
- **Chosen: \`softmax-lr0.5-b64-e20\`.** Starting at batch 64, factor 5 ends at exactly the
  8,000 training digits (64 → 320 → 1,600 → 8,000), and over 20 epochs the ramp tracks step
  decay within a std while constant is 3–5 stds worse. It is not robust to every draw of
  seeds: on seeds 3–5 (\`softmax-lr0.5-b64-e20-seeds3-5\`) one constant run ends on a loss
  spike, and the control's train-loss gap shrinks to 1.2 stds of that spread (its test accuracy
  still 2.2). A constant rate this high has a heavy-tailed final loss, and a std from 3 seeds is
  itself uncertain.

## What lrsim runs

The default protocol of \`lrsim compare\` is the one the search settled on:
\`${defaults.model}\` on \`${defaults.dataset}\`, \`${defaults.optimizer}\`, lr ${first.history[0]!.lr}, batch
${defaults.batchSize}, ${Math.round(defaults.epochs)} epochs, the lr divided (or the batch multiplied) by 5 at 30%,
60% and 80% of them, as in the paper's §5.1 (epochs 60, 120, 160 of 200). Each schedule runs
with seeds 0–${seeds - 1}:

\`\`\`text
$ ${shell(HEADLINE)}
${tableText.trimEnd()}
\`\`\`

- **Control**: constant ends at train loss ${pm(constant.trainLoss)} against step decay's
  ${pm(step.trainLoss)} (${f(verdict.controlLoss, 1)}× the larger std apart) and test accuracy ${pct(constant.testAccuracy)} against
  ${pct(step.testAccuracy)} (${f(verdict.controlAccuracy, 1)}×): decaying matters on this protocol.
- **Batch ramp**: train loss ${pm(ramp.trainLoss)} and test accuracy ${pct(ramp.testAccuracy)} —
  ${f(verdict.rampLoss, 1)}× and ${f(verdict.rampAccuracy, 1)}× the larger std from step decay — with
  ${Math.round(ramp.updates)} parameter updates instead of ${Math.round(step.updates)} (${f(verdict.fewer, 2)}× fewer).
- Verdict on the criteria above: **${verdict.pass ? "the claim holds" : "the claim does not hold"}**.

The training curves overlap against epochs and separate against parameter updates, as in the
paper's figures: the ramp does the same work in fewer, larger steps.

\`\`\`text
${byEpoch}
\`\`\`

\`\`\`text
${byUpdates}
\`\`\`

## What the saved updates are worth on a cluster

The \`on ... x ...\` column is a deterministic model, not this machine's clock: per update, the
slowest device computes ceil(B/K) samples at the model's FLOPs per sample over the device's
sustained throughput, then the gradient goes round a ring all-reduce (see
[compare.md](compare.md#simulated-cluster-time) for the presets and their sources). The same
comparison on ${DEVICES} devices of each preset (one seed; only the simulated time changes), and the
same updates priced for a wide MLP, 784-4096-4096-10 (${(WIDE.parameters / 1e6).toFixed(1)}M parameters, ${(WIDE.flops / 1e6).toFixed(0)} MFLOPs per
sample, against the softmax's ${SOFTMAX.parameters.toLocaleString("en-US")} and ${SOFTMAX.flops.toLocaleString("en-US")}): the script re-prices each run's
batches with the library's \`ClusterClock\` and checks that this reproduces the softmax's
figure exactly.

| preset | command | step decay | batchramp | speed-up | wide MLP: step | wide MLP: batchramp | speed-up |
|---|---|---:|---:|---:|---:|---:|---:|
${interconnect.map((r) => `| ${r.preset} | \`${r.command}\` | ${(r.step / 1000).toFixed(3)} s | ${(r.ramp / 1000).toFixed(3)} s | ${(r.step / r.ramp).toFixed(2)}× | ${(r.wide[0] / 1000).toFixed(1)} s | ${(r.wide[1] / 1000).toFixed(1)} s | ${(r.wide[0] / r.wide[1]).toFixed(2)}× |`).join("\n")}

For the softmax every update is all communication (a few microseconds of latency per message
dwarf its 31 kFLOPs per sample), so on every link the ramp's speed-up is its update ratio
(${Math.round(step.updates)} / ${Math.round(ramp.updates)} updates, to rounding) and only the absolute times differ. The wide MLP shows how
the interconnect changes the saving: its big late batches (1,600 and 8,000 samples, ${1600 / DEVICES} and ${8000 / DEVICES}
per device) cost real compute, the same for both schedules (the samples are the same), so on ${interconnect[0]!.preset}, where the all-reduce is cheap, the ramp
is ${(interconnect[0]!.wide[0] / interconnect[0]!.wide[1]).toFixed(2)}× faster, while on ${interconnect.at(-1)!.preset}, where every all-reduce of its
${((4 * WIDE.parameters) / 1e6).toFixed(0)} MB gradient is slow, fewer updates are nearly everything again (${(interconnect.at(-1)!.wide[0] / interconnect.at(-1)!.wide[1]).toFixed(2)}×). On one device
there is no all-reduce and every schedule costs the same: the samples are the same.

## Caveats

Softmax regression on a 10,000-digit MNIST subset, ${seeds} seeds, ${Math.round(defaults.epochs)} epochs: a check of the
mechanism — decay matters, and growing the batch does what decaying did — not of the paper's
ResNet/ImageNet results. The criteria's "spread" is the std of ${seeds} seeds, itself uncertain;
the search records the settings where the claim failed, including on fresh seeds.
`;
writeFileSync(new URL("../docs/reproducing-smith-2018.md", import.meta.url), doc);
console.error(`wrote docs/reproducing-smith-2018.md from comparison ${id}`);
