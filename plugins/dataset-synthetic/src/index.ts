/** lrsim's synthetic datasets: line (seed 003), blobs, spirals and teacher. */
export { blobs } from "./blobs.ts";
export { line } from "./line.ts";
export { spirals } from "./spirals.ts";
export { teacher } from "./teacher.ts";
