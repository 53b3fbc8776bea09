export { registerReflection } from "./register-reflection.js";
export { createDescriptorIndex } from "./descriptor-index.js";
export type { DescriptorIndex } from "./descriptor-index.js";
