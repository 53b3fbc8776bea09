import { pino } from "pino";

/** A pino logger that writes nothing (the dispatcher's warnings are expected in fault tests). */
export const pinoSilent = pino({ level: "silent" });
