import { createFlightUseCases, type FlightSettings, type FlightUseCases } from "../../../../cmd/wiring/flight.js";
import { loadConfig } from "../../../../config/config.js";
import type { DatabaseHandle } from "../../../infra/postgres/db.js";
import { useDatabaseHandle } from "../../../testkit/database-handle.js";

/** The shipped flight settings (config/config.yaml defaults) overlaid by `overrides`. */
export function flightSettings(overrides: Partial<FlightSettings> = {}): FlightSettings {
  return { ...loadConfig({ env: {} }).flights, ...overrides };
}

export interface FlightTestContext {
  readonly handle: DatabaseHandle;
  /** The flight use cases wired as in the server, over the file's own database. */
  readonly uc: FlightUseCases;
  /** The same database with other settings (another coordinator, as another replica would have). */
  with(overrides: Partial<FlightSettings>): FlightUseCases;
}

/**
 * Registers `before`/`after` hooks that give the calling file its own database and the flight
 * use cases over it; read the fields inside tests (they are set by `before`).
 */
export function useFlightUseCases(opts: { settings?: Partial<FlightSettings>; poolMax?: number } = {}): FlightTestContext {
  const db = useDatabaseHandle({ poolMax: opts.poolMax ?? 10 });
  let uc: FlightUseCases | undefined;
  const make = (overrides: Partial<FlightSettings>) => createFlightUseCases({ db: db.handle.db, settings: flightSettings({ ...opts.settings, ...overrides }) });
  return {
    get handle() {
      return db.handle;
    },
    get uc() {
      uc ??= make({});
      return uc;
    },
    with: make,
  };
}
