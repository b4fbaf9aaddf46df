import { type ParamSchema, type PluginKind, signatureOf, typeOf } from "@lrsim/core";
import type { Argv } from "yargs";
import { createCatalog } from "../catalog.ts";
import type { CliIo } from "../io.ts";

const KINDS: readonly PluginKind[] = ["model", "dataset", "optimizer", "schedule"];

export function pluginsCommand(io: CliIo) {
  return {
    command: "plugins",
    describe: "List models, datasets, optimizers and schedules with their options",
    builder: (y: Argv) =>
      y.option("json", { type: "boolean", default: false, describe: "Machine-readable listing" }),
    handler: (args: { json: boolean }) => {
      const catalog = createCatalog(io.cwd);
      const listing = KINDS.map((kind) => ({
        kind,
        plugins: catalog.registries[kind].list().map((d) => {
          const params = (d as { params: ParamSchema }).params;
          return {
            name: d.name,
            summary: (d as { summary: string }).summary,
            source: catalog.sourceOf(kind, d.name)?.module ?? null,
            signature: `${d.name}(${Object.entries(params)
              .map(([n, p]) => signatureOf(n, p))
              .join(", ")})`,
            params: Object.entries(params).map(([name, p]) => ({ name, type: typeOf(p), doc: p.doc })),
          };
        }),
      }));
      if (args.json) {
        io.out(JSON.stringify(listing));
        return;
      }
      const blocks = listing.map(({ kind, plugins }) => {
        const lines = plugins.map(
          (p) => `  ${p.name.padEnd(15)}${p.summary}\n  ${" ".repeat(15)}${p.signature}`,
        );
        return `${kind}s\n${lines.join("\n")}`;
      });
      io.out(
        `${blocks.join("\n\n")}\n\nYour own: --model ./my-model.ts, or an installed package lrsim-plugin-<name>.`,
      );
    },
  };
}
