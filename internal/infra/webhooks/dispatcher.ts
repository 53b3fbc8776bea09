import type { DeliverOne } from "../../app/notification/deliver-one.js";
import type { DeliveryQueue } from "../../app/notification/ports.js";
import type { Logger } from "../../app/ports.js";
import { backoffDelay } from "../../../pkg/backoff/backoff.js";
import { unlessStopping } from "../../../pkg/unless-stopping/unless-stopping.js";

/** After a failed claim (database down), wait 200 ms doubling to 10 s before the next. */
const CLAIM_BACKOFF = { firstMs: 200, maxMs: 10_000 };

export interface DispatcherOptions {
  readonly queue: DeliveryQueue;
  readonly deliverOne: DeliverOne;
  /** Most deliveries being sent at once by this dispatcher (one claim takes at most the free slots). */
  readonly maxInFlight: number;
  /** How long a claim holds a delivery; longer than the send timeout. */
  readonly leaseMs: number;
  /** Longest sleep without looking at the queue, whatever the next due time says. */
  readonly maxIdleMs: number;
  readonly log: Logger;
  /**
   * Whether the process began to stop: a failure then (Ctrl-C also stops an embedded
   * PostgreSQL at once) is expected and logged at debug, not warn.
   */
  readonly stopping?: () => boolean;
}

export interface Dispatcher {
  /** Looks for due deliveries now (a NOTIFY, a cron poll, a start). Never throws. */
  wake(): void;
  /** Claims nothing more, waits up to `graceMs` for the sends in flight, then aborts them (their leases run out). */
  stop(graceMs: number): Promise<void>;
}

/**
 * The webhook dispatcher of one process. It claims as many due deliveries as it has free send
 * slots, sends each on its own (a hung receiver holds one slot, not the batch), and claims
 * again when a slot frees up. When the queue has nothing due it sleeps until the next delivery
 * falls due (by the database clock), so retries go out on time; a commit that enqueues
 * deliveries wakes it through LISTEN, and a cron poll wakes it as a fallback.
 */
export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { queue, log } = opts;
  const stoppingNow = () => stopped || (opts.stopping?.() ?? false);
  /** A warning, unless a stop explains the failure (then debug). */
  const warn = (obj: object, msg: string) =>
    unlessStopping(
      stoppingNow,
      () => log.warn(obj, msg),
      () => log.debug(obj, msg),
    );
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let pumping: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const sleep = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(wake, Math.min(Math.max(ms, 0), opts.maxIdleMs));
  };

  const send = (delivery: Parameters<DeliverOne>[0]) => {
    const sending: Promise<void> = opts
      .deliverOne(delivery, abort.signal)
      .catch((err: unknown) => warn({ err }, "webhook outcome not recorded; its lease will run out and it is sent again"))
      .finally(() => {
        inFlight.delete(sending);
        wake();
      });
    inFlight.add(sending);
  };

  const pump = async () => {
    do {
      again = false;
      while (!stopped && inFlight.size < opts.maxInFlight) {
        const claimed = await queue.claim(opts.maxInFlight - inFlight.size, opts.leaseMs);
        if (claimed.length === 0) break;
        for (const delivery of claimed) send(delivery);
      }
    } while (again && !stopped);
  };

  function wake(): void {
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = pump()
      .then(async () => {
        failures = 0;
        // A full dispatcher is woken by its next finished send; an idle one sleeps until due.
        if (inFlight.size < opts.maxInFlight) sleep((await queue.msUntilNextDue()) ?? opts.maxIdleMs);
      })
      .catch((err: unknown) => {
        const delay = backoffDelay(++failures, CLAIM_BACKOFF);
        warn({ err, retryInMs: delay }, "webhook claim failed; retrying");
        sleep(delay);
      })
      .finally(() => {
        pumping = undefined;
        if (again) wake();
      });
  }

  return {
    wake,
    async stop(graceMs) {
      stopped = true;
      clearTimeout(timer);
      const grace = setTimeout(() => abort.abort(new Error("shutting down")), graceMs);
      // A claim under way still hands its deliveries to send(), so wait for both to settle.
      while (pumping || inFlight.size > 0) await Promise.allSettled([pumping, ...inFlight]);
      clearTimeout(grace);
    },
  };
}
