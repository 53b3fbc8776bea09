import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Seconds; a sync fetches pages from SpaceX (with retries), so its runs take up to minutes. */
const SYNC_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const SYNC_JOBS = ["spacex_launches", "launchpads"];
const SYNC_OUTCOMES = ["succeeded", "failed", "locked", "not_due"];
/** The domain's flight close reasons (internal/domain/flight/flight.ts CloseReason). */
const FLIGHT_CLOSE_REASONS = ["sold_out", "offer_expired", "departed"];

/**
 * Every `spacet_*` metric updated as things happen, in one place (README "Metrics" documents
 * each). Label values come from closed sets only: results, reasons, jobs, event types; never
 * ids, names or URLs. The code that records takes the one instrument it needs, typed by the
 * app's CounterMetric/HistogramMetric ports; the gauges read on scrape are beside this file.
 *
 * A new metric is one entry here plus the call that records it.
 */
export function createSpacetMetrics(registry: Registry) {
  const registers = [registry];
  let openWatchStreams = () => 0;
  const metrics = {
    bookings: new Counter({
      name: "spacet_bookings_total",
      help: "CreateBooking answers by result: created, the refusing rule's reason (launch_full, launchpad_taken_by_spacex, ...), or error.",
      labelNames: ["result"],
      registers,
    }),
    flightBookings: new Counter({
      name: "spacet_flight_bookings_total",
      help: "BookFlight answers by result: confirmed, the refusal's reason (insufficient_seats, flight_closed, flight_busy, ...), or error.",
      labelNames: ["result"],
      registers,
    }),
    flightsClosed: new Counter({
      name: "spacet_flights_closed_total",
      help: "Flights whose offer closed, by reason, counted once the close committed: sold_out (the coordinator, last seat), offer_expired (the expiry job, or the coordinator for a request that found the offer ended), departed (a status change to BOARDING or DEPARTED).",
      labelNames: ["reason"],
      registers,
    }),
    sync: {
      runs: new Counter({
        name: "spacet_sync_runs_total",
        help: "SpaceX sync requests by job and outcome: succeeded, failed, locked (another runner had it), not_due.",
        labelNames: ["job", "outcome"],
        registers,
      }),
      duration: new Histogram({
        name: "spacet_sync_duration_seconds",
        help: "Duration of the SpaceX sync runs that ran, by job and outcome (succeeded, failed).",
        labelNames: ["job", "outcome"],
        buckets: SYNC_DURATION_BUCKETS,
        registers,
      }),
      cancellations: new Counter({
        name: "spacet_sync_cancellations_total",
        help: "Bookings and launches the SpaceX sync cancelled because SpaceX took the pad that day, by kind (booking, launch).",
        labelNames: ["kind"],
        registers,
      }),
    },
    flightWatch: {
      reads: new Counter({
        name: "spacet_flight_watch_reads_total",
        help: "Reads of watched flights: one per change per replica, however many watch the flight (plus the first watcher's snapshot and resyncs).",
        registers,
      }),
      messages: new Counter({
        name: "spacet_flight_watch_messages_total",
        help: "WatchFlight messages sent, over all watchers.",
        registers,
      }),
      streams: new Gauge({
        name: "spacet_flight_watch_streams",
        help: "WatchFlight streams open on this replica (at most WATCH_MAX_STREAMS).",
        registers,
        collect() {
          this.set(openWatchStreams());
        },
      }),
      /** Where the streams gauge reads its value on each scrape (the watch registers itself once it runs). */
      readOpenStreams(read: () => number): void {
        openWatchStreams = read;
      },
    },
    webhookDeliveries: new Counter({
      name: "spacet_webhook_deliveries_total",
      help: "Webhook delivery attempts by result: succeeded (2xx), retrying (failed, another attempt is scheduled), failed (attempts spent, 410 Gone or a refused address).",
      labelNames: ["result"],
      registers,
    }),
    outboxEvents: new Counter({
      name: "spacet_outbox_events_published_total",
      help: "Outbox events handed to Pub/Sub by event type and result: published (acknowledged) or failed (retried later).",
      labelNames: ["event_type", "result"],
      registers,
    }),
  };
  // Series that exist from the start read 0 instead of being absent, so rate() and alerts on
  // them work before the first occurrence.
  metrics.bookings.inc({ result: "created" }, 0);
  metrics.flightBookings.inc({ result: "confirmed" }, 0);
  for (const result of ["succeeded", "retrying", "failed"]) metrics.webhookDeliveries.inc({ result }, 0);
  for (const reason of FLIGHT_CLOSE_REASONS) metrics.flightsClosed.inc({ reason }, 0);
  for (const job of SYNC_JOBS) for (const outcome of SYNC_OUTCOMES) metrics.sync.runs.inc({ job, outcome }, 0);
  for (const kind of ["booking", "launch"]) metrics.sync.cancellations.inc({ kind }, 0);
  return metrics;
}
export type SpacetMetrics = ReturnType<typeof createSpacetMetrics>;
