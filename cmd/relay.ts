import { startOutboxRelay } from "./wiring/outbox-relay.js";
import { migrate } from "../internal/infra/postgres/migrator.js";
import { createRootLogger, exitOnSignals, loadConfigOrExit } from "./wiring/process.js";

/**
 * `npm run relay`: the outbox relay on its own, for deployments that scale publishing apart
 * from the API (the service runs one too). Needs PG_DSN (an embedded database belongs to the
 * one process that started it). With PUBSUB_ENABLED=false it publishes nothing and events
 * wait in the outbox. SIGTERM/SIGINT finish the batch in progress and exit 0.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ check: (c) => (c.postgres.dsn ? [] : ["PG_DSN is required for the stand-alone relay"]) });
  const dsn = config.postgres.dsn ?? "";
  const log = createRootLogger(config, `${config.app.name}-relay`);
  // Until the relay runs, a signal has nothing to finish: exit at once.
  let stop: () => Promise<void> = async () => undefined;
  exitOnSignals(log, () => stop());

  // The relay's lease table comes with a migration: apply what is pending (safe alongside
  // replicas of the service, which migrate under the same advisory lock).
  await migrate({ dsn, log: log.child({ component: "migrator" }) });
  if (!config.pubsub.enabled) {
    log.warn("PUBSUB_ENABLED is false: the relay stays idle and events wait in the outbox");
    setInterval(() => undefined, 1 << 30); // stay up until a signal, like an enabled relay
    return;
  }
  const relay = startOutboxRelay({ dsn, appName: config.app.name, pubsub: config.pubsub, notifications: config.notifications, log });
  stop = relay.stop;
}

main().catch((err: unknown) => {
  process.stderr.write(`relay failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
