import type { Kysely, Selectable } from "kysely";
import type { LaunchpadRepository } from "../../../app/launch/ports.js";
import type { Launchpad, LaunchpadStatus } from "../../../domain/launch/launchpad.js";
import type { Database, LaunchpadTable } from "../schema.js";

export function toLaunchpad(row: Selectable<LaunchpadTable>): Launchpad {
  return {
    id: row.id,
    name: row.name,
    fullName: row.full_name,
    locality: row.locality,
    region: row.region,
    timeZone: row.time_zone,
    status: row.status as LaunchpadStatus,
    refreshedAt: row.refreshed_at,
  };
}

/** Launchpads as mirrored from SpaceX. `db` may be a transaction. */
export function createLaunchpadRepository(db: Kysely<Database>): LaunchpadRepository {
  return {
    async get(id) {
      const row = await db.selectFrom("launchpads").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toLaunchpad(row);
    },
    async list(filter) {
      let q = db.selectFrom("launchpads").selectAll().orderBy("name").orderBy("id");
      if (filter.status) q = q.where("status", "=", filter.status);
      return (await q.execute()).map(toLaunchpad);
    },
  };
}
