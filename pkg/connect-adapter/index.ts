export { type ConnectAdapter, type ConnectAdapterOptions, createConnectAdapter } from "./connect-adapter.js";
