import { errors, excerpt } from "../errors.ts";
import type { SpecArg, SpecCall, SpecValue } from "./ast.ts";

/*
 * Grammar (whitespace allowed between tokens):
 *   specList := spec ("," spec)*
 *   spec     := word ("(" [arg ("," arg)*] ")")?
 *   arg      := [key "="] value
 *   value    := number ["/" number] | "true" | "false" | word | quoted | "[" [value ("," value)*] "]" | spec
 * A word is a name, a path or a package: anything but whitespace and ( ) [ ] , = " '.
 */

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WORD_STOP = new Set(["(", ")", "[", "]", ",", "=", '"', "'", " ", "\t", "\n", "\r"]);
const MAX_DEPTH = 32;

class Parser {
  private position = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  fail(problem: string, at = this.position): never {
    throw errors.specSyntax(this.text, at + 1, problem);
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position]!)) this.position++;
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.position];
  }

  /** The next word (or character) of the input, for "unexpected ..." messages. */
  upcoming(): string {
    this.skipSpace();
    const match = /^[^\s()[\],="']+/.exec(this.text.slice(this.position));
    return match ? match[0].slice(0, 24) : (this.text[this.position] ?? "");
  }

  atEnd(): boolean {
    return this.peek() === undefined;
  }

  expect(char: string): void {
    const found = this.peek();
    if (found !== char)
      this.fail(
        found === undefined
          ? `expected "${char}" but the spec ended`
          : `expected "${char}", found "${found}"`,
      );
    this.position++;
  }

  private word(): string {
    this.skipSpace();
    const start = this.position;
    while (this.position < this.text.length && !WORD_STOP.has(this.text[this.position]!)) this.position++;
    if (this.position === start) {
      const found = this.text[start];
      this.fail(found === undefined ? "expected a value but the spec ended" : `unexpected "${found}"`);
    }
    return this.text.slice(start, this.position);
  }

  private quoted(): string {
    const quote = this.text[this.position]!;
    const start = this.position;
    this.position++;
    let out = "";
    while (this.position < this.text.length && this.text[this.position] !== quote) {
      if (this.text[this.position] === "\\" && this.position + 1 < this.text.length) this.position++;
      out += this.text[this.position];
      this.position++;
    }
    if (this.position >= this.text.length) this.fail("unterminated string", start);
    this.position++;
    return out;
  }

  spec(): SpecCall {
    const start = this.position;
    const value = this.value();
    if (value.kind === "call") return value;
    if (value.kind === "string" && !value.quoted) return { kind: "call", name: value.value, args: [] };
    return this.fail("expected a name", start);
  }

  value(): SpecValue {
    const next = this.peek();
    if (next === "[") return this.list();
    if (next === '"' || next === "'") return { kind: "string", value: this.quoted(), quoted: true };
    const start = this.position;
    const word = this.word();
    if (NUMBER.test(word) || /^[+-]?(inf|infinity|nan)$/i.test(word)) return this.number(word, start);
    if (word.includes("/") && NUMBER.test(word.split("/")[0]!)) return this.number(word, start);
    if (word === "true" || word === "false") return { kind: "boolean", value: word === "true" };
    if (this.peek() === "(") return this.call(word);
    return { kind: "string", value: word, quoted: false };
  }

  private number(word: string, start: number): SpecValue {
    const parts = word.split("/");
    if (parts.length > 2 || !parts.every((p) => NUMBER.test(p)))
      this.fail(`"${excerpt(word)}" is not a number`, start);
    const value = parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(parts[0]);
    if (!Number.isFinite(value)) this.fail(`"${excerpt(word)}" is not a finite number`, start);
    return { kind: "number", value };
  }

  private nested<T>(body: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`specs nest more than ${MAX_DEPTH} deep`);
    try {
      return body();
    } finally {
      this.depth--;
    }
  }

  private list(): SpecValue {
    return this.nested(() => {
      this.expect("[");
      const items: SpecValue[] = [];
      if (this.peek() !== "]") {
        items.push(this.value());
        while (this.peek() === ",") {
          this.position++;
          items.push(this.value());
        }
      }
      this.expect("]");
      return { kind: "list", items };
    });
  }

  private call(name: string): SpecCall {
    return this.nested(() => {
      this.expect("(");
      const args: SpecArg[] = [];
      if (this.peek() !== ")") {
        args.push(this.arg());
        while (this.peek() === ",") {
          this.position++;
          args.push(this.arg());
        }
      }
      this.expect(")");
      return { kind: "call", name, args };
    });
  }

  private arg(): SpecArg {
    const save = this.position;
    const next = this.peek();
    if (next !== undefined && !WORD_STOP.has(next)) {
      const word = this.word();
      if (this.peek() === "=") {
        this.position++;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(word))
          this.fail(`"${excerpt(word)}" is not a parameter name`, save);
        return { key: word, value: this.value() };
      }
      this.position = save;
    }
    return { key: undefined, value: this.value() };
  }
}

/** Parses one spec, e.g. `step(lr=0.1, stepSize=30)` or a bare `cosine`. */
export function parseSpec(text: string): SpecCall {
  const parser = new Parser(text);
  if (parser.atEnd()) parser.fail("the spec is empty");
  const spec = parser.spec();
  if (!parser.atEnd()) parser.fail(`unexpected "${parser.upcoming()}" after the spec`);
  return spec;
}

/** Parses a comma-separated list of specs: `step(gamma=0.2),onecycle,batchramp`. */
export function parseSpecList(text: string): SpecCall[] {
  const parser = new Parser(text);
  if (parser.atEnd()) parser.fail("the list of specs is empty");
  const specs = [parser.spec()];
  while (parser.peek() === ",") {
    parser.expect(",");
    specs.push(parser.spec());
  }
  if (!parser.atEnd()) parser.fail(`unexpected "${parser.upcoming()}" after the spec`);
  return specs;
}
