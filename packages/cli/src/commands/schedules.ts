import { createCatalog } from "@lrsim/builtins";
import { fullSchema, type ScheduleDefinition, signatureOf, typeOf } from "@lrsim/core";
import type { Argv } from "yargs";
import type { CliIo } from "../io.ts";
import { renderTable } from "../render/table.ts";

interface SchedulesArgs {
  name: string | undefined;
  json: boolean;
}

export function schedulesCommand(io: CliIo) {
  return {
    command: "schedules [name]",
    describe: "List every schedule with its parameters and defaults",
    builder: (y: Argv) =>
      y
        .positional("name", {
          type: "string",
          describe: "Show one schedule in detail: formula, PyTorch class, every parameter",
        })
        .option("json", { type: "boolean", default: false, describe: "Machine-readable listing" })
        .example("$0 schedules", "One line per schedule and its signature")
        .example("$0 schedules onecycle", "Every parameter of onecycle"),
    handler: async (args: SchedulesArgs) => {
      // The same catalog as every other command: `lrsim schedules ./my-schedule.js` describes a plugin.
      const catalog = createCatalog(io.cwd);
      if (args.name) await catalog.prepare("schedule", { kind: "call", name: args.name, args: [] });
      const registry = catalog.registries.schedule;
      const definitions = args.name ? [registry.get(args.name)] : registry.list();
      if (args.json) io.out(JSON.stringify(definitions.map(describeDefinition)));
      else io.out(args.name ? detail(definitions[0]!) : overview(definitions));
    },
  };
}

function signature(d: ScheduleDefinition): string {
  return `${d.name}(${Object.entries(fullSchema(d))
    .map(([n, p]) => signatureOf(n, p))
    .join(", ")})`;
}

function describeDefinition(d: ScheduleDefinition) {
  return {
    name: d.name,
    summary: d.summary,
    unit: d.unit,
    pytorch: d.pytorch ?? null,
    formula: d.formula ?? null,
    signature: signature(d),
    params: Object.entries(fullSchema(d)).map(([name, p]) => ({
      name,
      type: typeOf(p),
      default: typeof p.default === "function" ? "derived from the run" : (p.default ?? null),
      optional: p.optional ?? false,
      doc: p.doc,
    })),
  };
}

function overview(definitions: readonly ScheduleDefinition[]): string {
  const blocks = definitions.map((d) => `${d.name.padEnd(15)}${d.summary}\n${" ".repeat(15)}${signature(d)}`);
  return `${blocks.join("\n")}\n\nA parameter without "=" is required unless the run supplies it; "?" marks optional ones.\nlrsim schedules NAME shows one schedule in detail.`;
}

function detail(d: ScheduleDefinition): string {
  const info = describeDefinition(d);
  const rows = info.params.map((p) => [
    p.name,
    p.type,
    p.default === null ? (p.optional ? "(unset)" : "(required)") : JSON.stringify(p.default),
    p.doc,
  ]);
  const lines = [`${d.name} — ${d.summary}`, "", `  ${info.signature}`];
  if (d.formula) lines.push(`  ${d.formula}`);
  lines.push(`  clock: counts ${d.unit}s unless unit= says otherwise`);
  if (d.pytorch) lines.push(`  equals PyTorch's ${d.pytorch} at every step`);
  lines.push(
    "",
    renderTable(
      [{ header: "parameter" }, { header: "type" }, { header: "default" }, { header: "meaning" }],
      rows,
    ),
  );
  return lines.join("\n");
}
