import { pino } from "pino";
import type { Logger } from "../app/ports.js";

/** A pino logger that prints nothing, for wiring under test. */
export const silentLog = pino({ level: "silent" });

/** A Logger that drops everything; spread it and override a level to watch that level. */
export const quietLog: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
