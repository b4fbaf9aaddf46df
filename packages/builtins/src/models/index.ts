export { cnn } from "./cnn.ts";
export { linear } from "./linear.ts";
export { mlp } from "./mlp.ts";
export { softmax } from "./softmax.ts";
