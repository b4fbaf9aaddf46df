import { errors } from "../errors.ts";
import { suggest } from "../spec/suggest.ts";

/** The least every plugin definition has: a unique name. */
export interface Named {
  readonly name: string;
}

/**
 * A registry of plugin definitions of one kind (schedule, model, dataset, optimizer).
 * Built-ins and users' plugins register through the same `register`; lookups of unknown
 * names fail with a "did you mean" hint.
 */
export class Registry<D extends Named> {
  private readonly byName = new Map<string, D>();

  constructor(
    /** The kind in words, used in messages: "schedule", "model", ... */
    readonly kind: string,
    /** Checks a definition's shape; returns what is wrong, or undefined. */
    private readonly checkShape: (definition: D) => string | undefined = () => undefined,
  ) {}

  /** Adds a definition; a second one with the same name is an error, not an override. */
  register(definition: D): this {
    if (
      !definition ||
      typeof definition !== "object" ||
      typeof definition.name !== "string" ||
      !definition.name
    )
      throw errors.badDefinition(
        this.kind,
        String((definition as Partial<Named> | undefined)?.name),
        "it needs a non-empty string `name`",
      );
    const problem = this.checkShape(definition);
    if (problem) throw errors.badDefinition(this.kind, definition.name, problem);
    if (this.byName.has(definition.name)) throw errors.duplicateDefinition(this.kind, definition.name);
    this.byName.set(definition.name, definition);
    return this;
  }

  /** Whether a definition of this name is registered. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The definition named `name`, or an "unknown <kind>" error listing what is known. */
  get(name: string): D {
    const found = this.byName.get(name);
    if (found) return found;
    const known = this.names();
    throw errors.unknownName(this.kind, name, known, suggest(name, known));
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The registered definitions, in registration order. */
  list(): D[] {
    return [...this.byName.values()];
  }
}
