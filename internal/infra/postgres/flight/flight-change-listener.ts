import type { FlightChangeFeed } from "../../../app/flight/ports.js";
import type { Logger } from "../../../app/ports.js";
import { type DedicatedConnection, openDedicatedConnection } from "../dedicated-connection.js";
import { FLIGHT_CHANGES_CHANNEL, parseFlightChange } from "./flight-change-channel.js";

/**
 * The replica's one LISTEN connection for flight changes (a dedicated connection, named
 * `applicationName` in pg_stat_activity). When it is lost (the server restarts, a network cut,
 * pg_terminate_backend) it reconnects after `reconnectDelayMs(failures)` and calls `resync`:
 * announcements sent while no one listened are gone, so every watched flight is read again.
 * Also after the first connection: a watch may have read its flight before the LISTEN began.
 */
export function createFlightChangeListener(opts: {
  dsn: string;
  applicationName: string;
  reconnectDelayMs: (failures: number) => number;
  log: Logger;
  /** Whether the process began to stop (a loss then is logged at debug). */
  stopping?: () => boolean;
}): FlightChangeFeed {
  let connection: DedicatedConnection | undefined;
  return {
    start(handlers) {
      connection = openDedicatedConnection({
        ...opts,
        name: "flight change listener",
        setUp: (c) => c.query(`listen ${FLIGHT_CHANGES_CHANNEL}`),
        onNotification: (n) => {
          const change = n.channel === FLIGHT_CHANGES_CHANNEL ? parseFlightChange(n.payload) : undefined;
          if (change) handlers.changed(change.flightId, change.version);
        },
        onConnected: () => handlers.resync(),
      });
    },
    close: async () => connection?.close(),
  };
}
