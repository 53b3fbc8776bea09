/**
 * Runs the SpaceX fixture server on its own, for local runs of the service without network:
 *   PORT=4000 SHIFT_YEARS=5 npm run spacex:fixtures
 * By default dates move so that the first upcoming launch (2022-09-17) lies in the future.
 */
import { startSpacexFixtureServer } from "./server.js";

const SNAPSHOT_YEAR = 2022;

const server = await startSpacexFixtureServer({
  port: intFromEnv("PORT", 4000),
  host: process.env.HOST,
  shiftYears: intFromEnv("SHIFT_YEARS", new Date().getUTCFullYear() - SNAPSHOT_YEAR + 1),
  shiftDays: intFromEnv("SHIFT_DAYS", 0),
});
console.log(`SpaceX fixture server listening on ${server.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be a whole number, got ${raw}`);
  return value;
}
