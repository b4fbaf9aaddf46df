export { blobs } from "./blobs.ts";
export { cifar10 } from "./cifar10.ts";
export { csv } from "./csv.ts";
export { idx } from "./idx.ts";
export { line } from "./line.ts";
export { loadAllDigits, mnist } from "./mnist.ts";
export { npy } from "./npy.ts";
export { spirals } from "./spirals.ts";
export { teacher } from "./teacher.ts";
