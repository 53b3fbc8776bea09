export { createHealthService } from "./health-service.js";
export type { HealthService } from "./health-service.js";
