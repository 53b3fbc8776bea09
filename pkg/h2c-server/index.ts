export { createH2cServer } from "./h2c-server.js";
export type { H2cHandler, H2cServer, H2cServerOptions } from "./h2c-server.js";
export { classifyPreface, HTTP2_PREFACE } from "./preface.js";
