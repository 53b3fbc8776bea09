export { createSpacexClient, type SpacexClient, type SpacexClientOptions } from "./client.js";
export { SpacexApiError, type SpacexApiErrorKind } from "./errors.js";
export { parseLaunch, SPACEX_DATE_PRECISIONS, type SpacexDatePrecision, type SpacexLaunch } from "./launch.js";
export { parseLaunchpad, SPACEX_PAD_STATUSES, type SpacexLaunchpad, type SpacexPadStatus } from "./launchpad.js";
export { PayloadIssue } from "./payload.js";
export type { RetryInfo } from "./retry.js";
