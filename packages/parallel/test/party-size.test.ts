import { describe, expect, it } from "vitest";
import { PartySize } from "../src/party-size.ts";

describe("PartySize", () => {
  it("wakes as many workers as a round has chunks, up to the pool's size", () => {
    const size = new PartySize(4);
    expect([1, 2, 3, 8].map((chunks) => size.choose(chunks))).toEqual([1, 2, 3, 4]);
  });

  it("runs rounds of a size on worker 0 alone while a late worker holds them up, probing every eighth", () => {
    const size = new PartySize(2);
    // Worker 1 computed nothing; worker 0 computed both chunks, then waited 0.4 ms for it.
    for (let round = 0; round < 4; round++) size.record(2, [1.0, 0.01], [0.4, 0.0]);
    const choices = Array.from({ length: 16 }, () => size.choose(2));
    expect(choices.filter((p) => p === 1)).toHaveLength(14);
    expect(choices.filter((p) => p === 2)).toHaveLength(2);
    // Other round sizes are unaffected.
    expect(size.choose(8)).toBe(2);
    // Once worker 1 is back in time (it computed a chunk), all take part again.
    for (let round = 0; round < 4; round++) size.record(2, [0.5, 0.5], [0.05, 0.0]);
    expect(size.choose(2)).toBe(2);
  });

  it("does not count a worker that computed nothing but held no one up", () => {
    const size = new PartySize(2);
    // Worker 0 computed both chunks without waiting; idle worker 1 waited for it, harmlessly.
    for (let round = 0; round < 8; round++) size.record(2, [1.0, 0.0], [0.0, 0.9]);
    expect(size.choose(2)).toBe(2);
  });
});
