export { type ConnectAdapterOptions, createConnectAdapter, type NodeHandlerFn } from "./connect-adapter.js";
