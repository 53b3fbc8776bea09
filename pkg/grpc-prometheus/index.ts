export { createServerMetrics, grpcCodeName } from "./server-metrics.js";
export type { ServerMetricsOptions } from "./server-metrics.js";
