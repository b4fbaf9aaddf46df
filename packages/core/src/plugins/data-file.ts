import { errors, type LrsimError } from "../errors.ts";

/**
 * The error a dataset plugin throws when a file it was given cannot be used: one line naming
 * the file and what is wrong with it ("truncated: 7,840 bytes of pixels, expected 78,400"),
 * which the CLI prints as is. Throw it from `load`, so a bad file ends the run before training.
 */
export function badDataFile(file: string, problem: string): LrsimError {
  return errors.badDataFile(file, problem);
}
