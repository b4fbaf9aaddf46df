import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { errors } from "../errors.ts";
import { ancestorDirs } from "../paths.ts";
import type { SpecCall, SpecValue } from "../spec/ast.ts";
import { suggest } from "../spec/suggest.ts";
import { importModule } from "./import.ts";
import { Registry } from "./registry.ts";
import { EXPECTED_SHAPE, type PluginDefinitions, type PluginKind, shapeProblem } from "./shapes.ts";

/**
 * Where a plugin's definition can be imported from: enough for a worker thread to load the
 * same plugin itself (workers receive this plus plain options, never live objects).
 */
export interface PluginSource {
  /** A package specifier (`@lrsim/model-mlp`) or a `file:` URL. */
  readonly module: string;
  /** The export holding the definition (`default` or a named export). */
  readonly export: string;
  /** The file, for a user's plugin (a path or an installed package): errors name it. */
  readonly file?: string;
}

/** Names that are paths rather than plugin names. */
function isPathName(name: string): boolean {
  return name.startsWith(".") || isAbsolute(name) || name.startsWith("file:");
}

/** The package a bare plugin name stands for: `foo` -> `lrsim-plugin-foo`. */
function packageNameFor(name: string): string {
  return name.startsWith("lrsim-plugin-") || name.includes("/lrsim-plugin-") ? name : `lrsim-plugin-${name}`;
}

/** A plugin package found in node_modules, and what it holds (or why it could not be loaded). */
export interface DiscoveredPackage {
  readonly package: string;
  readonly file: string;
  readonly plugins: ReadonlyArray<{ readonly kind: PluginKind; readonly name: string }>;
  readonly problem?: string;
}

/** `lrsim-plugin-*` and `@scope/lrsim-plugin-*` package names in the node_modules folders from `from` up. */
function installedPluginPackages(from: string): string[] {
  const names = new Set<string>();
  for (const dir of ancestorDirs(from)) {
    const modules = join(dir, "node_modules");
    if (existsSync(modules))
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith("lrsim-plugin-")) names.add(entry);
        else if (entry.startsWith("@") && existsSync(join(modules, entry)))
          for (const scoped of readdirSync(join(modules, entry)))
            if (scoped.startsWith("lrsim-plugin-")) names.add(`${entry}/${scoped}`);
      }
  }
  return [...names].sort();
}

function findPackageEntry(packageName: string, from: string): string | undefined {
  for (const dir of ancestorDirs(from)) {
    const manifest = join(dir, "node_modules", packageName, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown; main?: string };
      const root = (
        pkg.exports && typeof pkg.exports === "object" && "." in pkg.exports
          ? (pkg.exports as Record<string, unknown>)["."]
          : pkg.exports
      ) as unknown;
      const entry =
        typeof root === "string"
          ? root
          : root && typeof root === "object"
            ? (((root as Record<string, unknown>).import ?? (root as Record<string, unknown>).default) as
                | string
                | undefined)
            : undefined;
      return join(dirname(manifest), entry ?? pkg.main ?? "index.js");
    }
  }
  return undefined;
}

/**
 * One registry per plugin kind plus the resolver every entry point uses (CLI options,
 * config files, worker threads): a built-in or already-registered name first, then a path
 * (`./my-model.ts`, relative to `cwd`), then a package `lrsim-plugin-<name>`. A module of the
 * wrong shape is refused with a message naming the plugin, the file and the expected shape.
 */
export class PluginCatalog {
  readonly registries: { [K in PluginKind]: Registry<PluginDefinitions[K]> };
  private readonly sources = new Map<string, PluginSource>();

  constructor(readonly cwd: string = process.cwd()) {
    const make = <K extends PluginKind>(kind: K) =>
      new Registry<PluginDefinitions[K]>(kind, (d) => shapeProblem(kind, d));
    this.registries = {
      schedule: make("schedule"),
      model: make("model"),
      dataset: make("dataset"),
      optimizer: make("optimizer"),
    };
  }

  /** Registers a definition under its name (or `as`), remembering where workers can import it from. */
  register<K extends PluginKind>(
    kind: K,
    definition: PluginDefinitions[K],
    source?: PluginSource,
    as?: string,
  ): void {
    const named = as && as !== definition.name ? { ...definition, name: as } : definition;
    this.registries[kind].register(named as PluginDefinitions[K]);
    if (source) this.sources.set(`${kind}:${named.name}`, source);
  }

  /** Where a registered plugin comes from, for workers. */
  sourceOf(kind: PluginKind, name: string): PluginSource | undefined {
    return this.sources.get(`${kind}:${name}`);
  }

  /** Makes sure `name` is registered, importing it from a path or package if needed. */
  async resolve<K extends PluginKind>(kind: K, name: string): Promise<PluginDefinitions[K]> {
    const registry = this.registries[kind];
    if (registry.has(name)) return registry.get(name);
    if (isPathName(name))
      return this.load(
        kind,
        name,
        name.startsWith("file:") ? name : pathToFileURL(resolve(this.cwd, name)).href,
      );
    const packageName = packageNameFor(name);
    const entry = findPackageEntry(packageName, this.cwd);
    if (!entry) {
      const known = registry.names();
      throw errors.unknownName(kind, name, known, suggest(name, known), packageName);
    }
    return this.load(kind, name, pathToFileURL(entry).href);
  }

  /**
   * Registers every definition exported by the `lrsim-plugin-*` packages installed where the
   * catalog looks (node_modules from `cwd` up), under the definitions' own names; built-ins
   * keep their names. A package that fails to load is reported, not thrown, so one broken
   * package does not hide the others (`lrsim plugins` lists both).
   */
  async discover(): Promise<DiscoveredPackage[]> {
    const found: DiscoveredPackage[] = [];
    for (const packageName of installedPluginPackages(this.cwd)) {
      const entry = findPackageEntry(packageName, this.cwd);
      if (!entry) continue;
      const url = pathToFileURL(entry).href;
      try {
        const module = await importModule(url);
        const plugins: Array<{ kind: PluginKind; name: string }> = [];
        for (const [exportName, value] of Object.entries(module))
          for (const kind of Object.keys(this.registries) as PluginKind[]) {
            if (shapeProblem(kind, value)) continue;
            const definition = value as PluginDefinitions[typeof kind];
            if (!this.registries[kind].has(definition.name))
              this.register(kind, definition, { module: url, export: exportName, file: entry });
            plugins.push({ kind, name: definition.name });
            break;
          }
        found.push({ package: packageName, file: entry, plugins });
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message.split("\n")[0]! : String(cause);
        found.push({ package: packageName, file: entry, plugins: [], problem: reason });
      }
    }
    return found;
  }

  /** Resolves every plugin name a spec mentions: its own, and those of nested specs. */
  async prepare(kind: PluginKind, call: SpecCall): Promise<void> {
    await this.resolve(kind, call.name);
    if (kind !== "schedule") return;
    const visit = async (value: SpecValue): Promise<void> => {
      if (value.kind === "call") await this.prepare("schedule", value);
      else if (value.kind === "list") for (const item of value.items) await visit(item);
      else if (value.kind === "string" && !value.quoted && isPathName(value.value))
        await this.prepare("schedule", { kind: "call", name: value.value, args: [] });
    };
    for (const arg of call.args) await visit(arg.value);
  }

  private async load<K extends PluginKind>(
    kind: K,
    name: string,
    url: string,
  ): Promise<PluginDefinitions[K]> {
    let module: Record<string, unknown>;
    try {
      module = await importModule(url);
    } catch (cause) {
      throw errors.pluginLoad(kind, name, url, cause);
    }
    const candidates = ["default", kind, ...Object.keys(module)];
    const exportName = candidates.find((key) => key in module && !shapeProblem(kind, module[key]));
    if (!exportName) {
      const problem = "default" in module ? shapeProblem(kind, module.default) : "it has no default export";
      throw errors.pluginShape(kind, name, url, problem ?? "", EXPECTED_SHAPE[kind]);
    }
    const definition = module[exportName] as PluginDefinitions[K];
    this.register(kind, definition, { module: url, export: exportName, file: fileURLToPath(url) }, name);
    return this.registries[kind].get(name);
  }
}
