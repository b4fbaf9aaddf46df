import { errors } from "@lrsim/core";

/** Parses "1,0.9,0.8" into numbers, naming the option when an item is not a finite number. */
export function parseNumberList(option: string, text: string): number[] {
  return text.split(",").map((item) => {
    const value = Number(item.trim());
    if (item.trim() === "" || !Number.isFinite(value))
      throw errors.invalidOption(option, "a comma-separated list of numbers", `"${item}"`);
    return value;
  });
}
