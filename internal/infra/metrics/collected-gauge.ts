import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../../app/ports.js";

/** Longest a scrape waits for one gauge's read by default: /metrics must answer even when the database hangs. */
const READ_TIMEOUT_MS = 2_000;

/**
 * A gauge read on every scrape (one cheap statement, say), never kept up to date by the code.
 * When the read fails or takes longer than `timeoutMs` (READ_TIMEOUT_MS) the series is left out
 * of that scrape: an absent series reads as "unknown" (alert on `absent()`), a stale number would lie.
 */
export function registerCollectedGauge(opts: {
  registry: Registry;
  name: string;
  help: string;
  read: () => Promise<number>;
  log: Logger;
  timeoutMs?: number;
}): void {
  const { read, log, name } = opts;
  const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS;
  new Gauge({
    name,
    help: opts.help,
    registers: [opts.registry],
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        this.set(await Promise.race([read(), timeout]));
      } catch (err) {
        // remove(), not reset(): a gauge without labels resets to 0, which would read as "no backlog".
        this.remove();
        log.warn({ err, metric: name }, "metric not collected");
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
