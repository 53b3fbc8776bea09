import { type Kysely, sql } from "kysely";
import type { LaunchpadSnapshot, MirrorChanges } from "../../../app/spacex-sync/ports.js";
import type { Database } from "../schema.js";

/**
 * Inserts or updates every pad SpaceX lists, in one statement (arrays + unnest). Every listed
 * pad gets `refreshed_at = at`; `changed` counts pads whose data really differ, read from the
 * `previous` CTE, which sees the table as it was before this statement (all CTEs of a statement
 * share one snapshot). Pads SpaceX no longer lists are left as they are: launches and bookings
 * reference them, and their last known status still governs bookings.
 */
export async function upsertLaunchpads(db: Kysely<Database>, pads: readonly LaunchpadSnapshot[], at: Date): Promise<Omit<MirrorChanges, "removed">> {
  const column = (pick: (p: LaunchpadSnapshot) => string) => pads.map(pick);
  const { rows } = await sql<Omit<MirrorChanges, "removed">>`
    with incoming as (
       select * from unnest(${column((p) => p.id)}::text[], ${column((p) => p.name)}::text[], ${column((p) => p.fullName)}::text[],
                            ${column((p) => p.locality)}::text[], ${column((p) => p.region)}::text[], ${column((p) => p.timeZone)}::text[],
                            ${column((p) => p.status)}::text[])
         as t(id, name, full_name, locality, region, time_zone, status)
     ),
     previous as (
       select p.* from launchpads p join incoming i on i.id = p.id
     ),
     upserted as (
       insert into launchpads (id, name, full_name, locality, region, time_zone, status, refreshed_at)
       select id, name, full_name, locality, region, time_zone, status, ${at}::timestamptz from incoming
       on conflict (id) do update
          set name = excluded.name, full_name = excluded.full_name, locality = excluded.locality, region = excluded.region,
              time_zone = excluded.time_zone, status = excluded.status, refreshed_at = excluded.refreshed_at
       returning id, (xmax = 0) as inserted, name, full_name, locality, region, time_zone, status
     )
     select count(*) filter (where u.inserted)::int as added,
            count(*) filter (where not u.inserted
              and (u.name, u.full_name, u.locality, u.region, u.time_zone, u.status)
                  is distinct from (p.name, p.full_name, p.locality, p.region, p.time_zone, p.status))::int as changed
       from upserted u
       left join previous p on p.id = u.id`.execute(db);
  return rows[0];
}
