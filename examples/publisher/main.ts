/**
 * `npm run examples:publish [-- --count N]`: a Pub/Sub smoke test. Publishes sample events to
 * PUBSUB_LAUNCHES_TOPIC exactly as the outbox relay does and reads them back (smoke.ts).
 * Exits 0 when all arrived in order, 1 otherwise. Reads the service's config, so
 * PUBSUB_EMULATOR_HOST points it at the emulator.
 */
import { parseArgs } from "node:util";
import { configPathFromArgv, loadConfig } from "../../config/config.js";
import { runPublisherSmoke } from "./smoke.js";

const { values: args } = parseArgs({ options: { count: { type: "string", default: "5" }, config: { type: "string" } } });
const config = loadConfig({ path: configPathFromArgv(process.argv.slice(2)) });
const count = Number(args.count);
if (!Number.isInteger(count) || count < 1) {
  process.stderr.write(`--count must be a positive integer, got "${args.count}"\n`);
  process.exit(2);
}

try {
  const result = await runPublisherSmoke({
    projectId: config.pubsub.projectId,
    emulatorHost: config.pubsub.emulatorHost,
    topic: config.pubsub.launchesTopic,
    count,
    timeoutMs: 30_000,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const passed = result.received === result.published && result.inOrder;
  process.stdout.write(
    passed
      ? `publisher smoke test passed: ${result.received}/${result.published} events round-tripped in order in ${result.roundTripMs} ms\n`
      : `publisher smoke test FAILED: ${result.received}/${result.published} events arrived${result.inOrder ? "" : ", out of order"}\n`,
  );
  process.exit(passed ? 0 : 1);
} catch (err) {
  process.stderr.write(`publisher smoke test FAILED: ${(err as Error).message}\n`);
  process.exit(1);
}
