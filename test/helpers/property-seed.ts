/**
 * Vitest setup: property tests draw from a fixed seed, so the suite is the same on every
 * machine and a CI failure replays exactly. `pnpm fuzz` sets `LRSIM_FC_SEED=random` (or a
 * number) to explore new cases; a random seed is printed before the tests run so a hang or a
 * failure found that way can be replayed with `LRSIM_FC_SEED=<seed> pnpm test:unit`.
 */
import fc from "fast-check";

/** The seed of the committed suite. Any fixed value works; this one is the project's. */
const FIXED_SEED = 20_181_201;

const requested = process.env.LRSIM_FC_SEED;
const seed =
  requested === "random"
    ? Math.floor(Math.random() * 2 ** 31)
    : requested === undefined
      ? FIXED_SEED
      : Number.parseInt(requested, 10);
if (!Number.isSafeInteger(seed))
  throw new Error(`LRSIM_FC_SEED must be an integer or "random", got ${requested}`);
if (requested !== undefined) process.stderr.write(`property tests: LRSIM_FC_SEED=${seed}\n`);
fc.configureGlobal({ seed });
