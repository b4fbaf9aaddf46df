import type { OptimizerDefinition } from "@lrsim/core/plugin-api";
import { adadelta } from "./adadelta.ts";
import { adagrad } from "./adagrad.ts";
import { adam, adamw } from "./adam.ts";
import { lamb } from "./lamb.ts";
import { lars } from "./lars.ts";
import { rmsprop } from "./rmsprop.ts";
import { sgd } from "./sgd.ts";

/** Every built-in optimizer, in the order `lrsim plugins` lists them. */
export const builtinOptimizers: readonly OptimizerDefinition[] = [
  sgd,
  adagrad,
  adadelta,
  rmsprop,
  adam,
  adamw,
  lars,
  lamb,
];
