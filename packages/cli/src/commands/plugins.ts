import { createCatalog } from "@lrsim/builtins";
import { type ParamSchema, type PluginKind, signatureOf, typeOf } from "@lrsim/core";
import type { Argv } from "yargs";
import type { CliIo } from "../io.ts";

const KINDS: readonly PluginKind[] = ["model", "dataset", "optimizer", "schedule"];

export function pluginsCommand(io: CliIo) {
  return {
    command: "plugins",
    describe: "List models, datasets, optimizers and schedules with their options",
    builder: (y: Argv) =>
      y.option("json", { type: "boolean", default: false, describe: "Machine-readable listing" }),
    handler: async (args: { json: boolean }) => {
      const catalog = createCatalog(io.cwd);
      const packages = await catalog.discover();
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
      for (const p of packages)
        if (p.problem)
          io.err(`lrsim: warning: plugin package ${p.package} (${p.file}) could not be loaded: ${p.problem}`);
      const blocks = listing.map(({ kind, plugins }) => {
        const lines = plugins.map(
          (p) => `  ${p.name.padEnd(15)}${p.summary}\n  ${" ".repeat(15)}${p.signature}`,
        );
        return `${kind}s\n${lines.join("\n")}`;
      });
      const installed = packages
        .filter((p) => !p.problem)
        .map(
          (p) =>
            `  ${p.package}: ${p.plugins.map((x) => `${x.kind} ${x.name}`).join(", ") || "no plugin definitions"}`,
        );
      io.out(
        `${blocks.join("\n\n")}\n\n${installed.length > 0 ? `Installed plugin packages:\n${installed.join("\n")}\n\n` : ""}Your own: --model ./my-model.ts (or .js), a package lrsim-plugin-<name> in node_modules, or a path in lrsim.config.json ({"model": "./my-model.ts"}, relative to the file).`,
      );
    },
  };
}
