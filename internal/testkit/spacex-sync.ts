import { sql, type Kysely } from "kysely";
import type { Doc } from "./spacex-fixture-server/fixtures.js";
import { createSpacexClient } from "../../pkg/spacex/index.js";
import type { SpacexProvider } from "../app/spacex-sync/ports.js";
import type { Config } from "../../config/config.js";
import { createSpacexProvider } from "../infra/spacex/spacex-provider.js";
import type { Database } from "../infra/postgres/schema.js";

let flightNumber = 1000;

/** An upcoming SpaceX v4 launch document for the fixture server (`addLaunch`, `setLaunches`). */
export function spacexLaunchDoc(l: { id: string; launchpad: string | null; dateUtc: string; precision?: string; name?: string }): Doc {
  return {
    id: l.id,
    name: l.name ?? `Test launch ${l.id.slice(-4)}`,
    flight_number: ++flightNumber,
    date_utc: new Date(l.dateUtc).toISOString(),
    date_unix: Math.floor(Date.parse(l.dateUtc) / 1000),
    date_precision: l.precision ?? "hour",
    upcoming: true,
    launchpad: l.launchpad,
  };
}

/** Sync settings against a fixture server; the interval is an hour unless given. */
export function syncSettings(apiUrl: string, intervalMs = 3_600_000): Pick<Config, "orchestrator" | "spacex"> {
  return { orchestrator: { intervalMs }, spacex: { apiUrl, timeoutMs: 5_000, launchpadsMaxAgeMs: 30 * 86_400_000 } };
}

/** A provider over the fixture server with fast failure: no retries, short timeout, small pages. */
export function fastFailingProvider(apiUrl: string, opts: { timeoutMs?: number; pageSize?: number } = {}): SpacexProvider {
  return createSpacexProvider(createSpacexClient({ baseUrl: apiUrl, retries: 0, timeoutMs: opts.timeoutMs ?? 2_000, pageSize: opts.pageSize ?? 100 }));
}

/** Advisory locks currently granted in this database (any session). */
export async function advisoryLocksHeld(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_locks
     where locktype = 'advisory' and granted
       and database = (select oid from pg_database where datname = current_database())`.execute(db);
  return rows[0].n;
}

/** The SpaceX mirror as plain rows, to prove a failed run left it untouched. */
export async function mirrorSnapshot(db: Kysely<Database>): Promise<unknown[]> {
  return db.selectFrom("spacex_launches").selectAll().orderBy("id").execute();
}
