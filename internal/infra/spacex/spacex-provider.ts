import type { SpacexProvider } from "../../app/spacex-sync/ports.js";
import type { SpacexClient } from "../../../pkg/spacex/index.js";

/**
 * The SpaceX API v4 behind the app's provider port. The client already returns complete,
 * validated lists or throws (a failed, malformed or partial answer never reaches the sync);
 * this only renames fields into the domain's words.
 */
export function createSpacexProvider(client: SpacexClient): SpacexProvider {
  return {
    async listUpcomingLaunches(signal) {
      const launches = await client.listUpcomingLaunches(signal);
      return launches.map((l) => ({
        id: l.id,
        name: l.name,
        flightNumber: l.flightNumber,
        launchpadId: l.launchpadId ?? undefined,
        dateUtc: l.dateUtc,
        datePrecision: l.datePrecision,
      }));
    },
    async listLaunchpads(signal) {
      const pads = await client.listLaunchpads(signal);
      return pads.map((p) => ({
        id: p.id,
        name: p.name,
        fullName: p.fullName,
        locality: p.locality,
        region: p.region,
        timeZone: p.timezone,
        status: p.status,
      }));
    },
  };
}
