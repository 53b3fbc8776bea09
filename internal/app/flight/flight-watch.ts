import { DomainError } from "../../domain/errors.js";
import { isFinal } from "../../domain/flight/final-state.js";
import type { Flight } from "../../domain/flight/flight.js";
import type { Call, Logger } from "../ports.js";
import { flightNotFound } from "./not-found.js";
import type { FlightChangeFeed, FlightUnitOfWork } from "./ports.js";

/** One client's stream: the newest flight it has not been sent yet, and how to wake it. */
interface Watcher {
  pending: Flight | undefined;
  ended: DomainError | undefined;
  wake: (() => void) | undefined;
}

/** The watchers of one flight on this replica, and the one read that serves them all. */
interface Room {
  readonly flightId: string;
  readonly watchers: Set<Watcher>;
  /** The newest version read; undefined until the first read, or when the flight does not exist. */
  flight: Flight | undefined;
  /** The read in progress; another change during it sets `again` for one more read after it. */
  reading: Promise<void> | undefined;
  again: boolean;
  failures: number;
  retry: NodeJS.Timeout | undefined;
}

/** How long a caller refused for the stream limit should wait before retrying. */
const STREAMS_FULL_RETRY_MS = 1_000;

/** What a watch costs and sends, for the metrics (spacet_flight_watch_*). */
export interface FlightWatchCounters {
  /** A read of a watched flight (one per change per replica, however many watch it). */
  read(): void;
  /** A message sent to one watcher. */
  sent(): void;
}

/**
 * WatchFlight on one replica (SPEC §4.4): the replica's watchers are grouped in one room per
 * flight, and a change announced by any replica (`feed`, `flight_id:version`) is read ONCE and
 * sent to every watcher of the room. Reads are coalesced: changes arriving while a read is in
 * flight cause one more read after it, so a hot flight costs at most one read in flight at a
 * time, and a watcher always gets the newest version (slow watchers skip versions rather than
 * queue them). After the feed reconnects every room is read again, so a final state announced
 * while it was deaf still arrives. At most `maxStreams` watches at once (RESOURCE_EXHAUSTED
 * beyond); `close()` ends every watch with UNAVAILABLE (shutdown: the client watches again
 * elsewhere) and refuses new ones.
 */
export function createFlightWatch(deps: {
  uow: FlightUnitOfWork;
  feed: FlightChangeFeed;
  maxStreams: number;
  counters: FlightWatchCounters;
  /** Delay before reading a watched flight again after `failures` failed reads in a row. */
  retryDelayMs: (failures: number) => number;
  log: Logger;
}) {
  const rooms = new Map<string, Room>();
  let open = 0;
  let closed = false;

  const offer = (w: Watcher, flight: Flight) => {
    w.pending = flight;
    w.wake?.();
  };

  const end = (w: Watcher, error: DomainError) => {
    w.ended = error;
    w.wake?.();
  };

  /** Reads the room's flight (coalesced, see above) and offers a newer version to every watcher. */
  const refresh = (room: Room): Promise<void> => {
    if (room.reading) {
      room.again = true;
      return room.reading;
    }
    clearTimeout(room.retry);
    room.reading = (async () => {
      do {
        room.again = false;
        deps.counters.read();
        const flight = await deps.uow.read().flights.get(room.flightId);
        room.failures = 0;
        if (!flight || (room.flight && flight.version <= room.flight.version)) continue;
        room.flight = flight;
        for (const w of room.watchers) offer(w, flight);
      } while (room.again && room.watchers.size > 0);
    })()
      .catch((err: unknown) => {
        // The next announcement would read again, but there may be none (a final state):
        // retry while anyone watches.
        if (room.watchers.size === 0) return;
        const delay = deps.retryDelayMs(++room.failures);
        deps.log.warn({ err, flightId: room.flightId, retryInMs: delay }, "reading a watched flight failed; retrying");
        room.retry = setTimeout(() => void refresh(room), delay);
        if (!room.flight) throw err;
      })
      .finally(() => {
        room.reading = undefined;
      });
    return room.reading;
  };

  deps.feed.start({
    changed(flightId, version) {
      const room = rooms.get(flightId);
      if (!room || (room.flight && version <= room.flight.version)) return;
      void refresh(room).catch(() => undefined);
    },
    resync() {
      for (const room of rooms.values()) void refresh(room).catch(() => undefined);
    },
  });

  const join = (flightId: string, w: Watcher): Room => {
    let room = rooms.get(flightId);
    if (!room) {
      room = { flightId, watchers: new Set(), flight: undefined, reading: undefined, again: false, failures: 0, retry: undefined };
      rooms.set(flightId, room);
    }
    room.watchers.add(w);
    return room;
  };

  const leave = (room: Room, w: Watcher) => {
    room.watchers.delete(w);
    if (room.watchers.size > 0) return;
    clearTimeout(room.retry);
    if (rooms.get(room.flightId) === room) rooms.delete(room.flightId);
  };

  /** The next flight to send, or undefined when the caller went away; rejects when the watch is ended. */
  const next = (w: Watcher, sent: number, signal: AbortSignal | undefined): Promise<Flight | undefined> =>
    new Promise((resolve, reject) => {
      const settle = (): boolean => {
        if (w.ended) reject(w.ended);
        else if (signal?.aborted) resolve(undefined);
        else if (w.pending && w.pending.version > sent) {
          resolve(w.pending);
          w.pending = undefined;
        } else return false;
        return true;
      };
      if (settle()) return;
      const wake = () => {
        if (!settle()) return;
        w.wake = undefined;
        signal?.removeEventListener("abort", wake);
      };
      w.wake = wake;
      signal?.addEventListener("abort", wake, { once: true });
    });

  async function* watch(flightId: string, call?: Call): AsyncGenerator<Flight> {
    if (closed) throw shuttingDown();
    if (open >= deps.maxStreams) {
      throw new DomainError("exhausted", "WATCH_STREAMS_EXHAUSTED", "this replica serves as many watches as it may; retry shortly", {
        retryAfterMs: STREAMS_FULL_RETRY_MS,
      });
    }
    open++;
    const w: Watcher = { pending: undefined, ended: undefined, wake: undefined };
    // Join before reading: a change committed after the snapshot's read is announced to the room.
    const room = join(flightId, w);
    try {
      // A room that has read its flight serves a new watcher without a read of its own.
      if (!room.flight) await refresh(room);
      const snapshot = room.flight;
      if (!snapshot) throw flightNotFound(flightId);
      if (w.pending && w.pending.version <= snapshot.version) w.pending = undefined;
      let sent = snapshot.version;
      deps.counters.sent();
      yield snapshot;
      if (isFinal(snapshot)) return;
      for (;;) {
        const flight = await next(w, sent, call?.signal);
        if (!flight) return;
        sent = flight.version;
        deps.counters.sent();
        yield flight;
        if (isFinal(flight)) return;
      }
    } finally {
      leave(room, w);
      open--;
    }
  }

  return {
    watch,
    /** Watches open on this replica (the spacet_flight_watch_streams gauge). */
    get openStreams() {
      return open;
    },
    /** Ends every watch with UNAVAILABLE and refuses new ones; then stops hearing changes. */
    async close(): Promise<void> {
      closed = true;
      for (const room of rooms.values()) for (const w of room.watchers) end(w, shuttingDown());
      await deps.feed.close();
    },
  };
}
export type FlightWatch = ReturnType<typeof createFlightWatch>;
export type WatchFlight = FlightWatch["watch"];

function shuttingDown(): DomainError {
  return new DomainError("unavailable", "SERVER_SHUTTING_DOWN", "this replica is shutting down; watch the flight again");
}
