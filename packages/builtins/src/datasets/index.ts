export { blobs } from "./blobs.ts";
export { line } from "./line.ts";
export { loadAllDigits, mnist } from "./mnist.ts";
export { spirals } from "./spirals.ts";
export { teacher } from "./teacher.ts";
