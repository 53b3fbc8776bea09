/**
 * `npm run examples:echo [-- --subscription <name>]`: prints every SpaceT event published to
 * PUBSUB_LAUNCHES_TOPIC, one line each, deduplicated by event id. Reads the same config as the
 * service (config/config.yaml + environment), so PUBSUB_EMULATOR_HOST points it at the
 * emulator. It creates the topic and its subscription when missing, and again when an
 * emulator restart lost them. SIGTERM/SIGINT stop it (exit 0).
 */
import { parseArgs } from "node:util";
import { PubSub } from "@google-cloud/pubsub";
import { configPathFromArgv, loadConfig } from "../../config/config.js";
import { type EventStream, subscribeEvents } from "./subscribe-events.js";

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

const { values: args } = parseArgs({ options: { subscription: { type: "string" }, config: { type: "string" } } });
const config = loadConfig({ path: configPathFromArgv(process.argv.slice(2)) });
const topic = config.pubsub.launchesTopic;
const subscription = args.subscription ?? `${config.app.name}-echo`;
const emulator = config.pubsub.emulatorHost;
// Naming the universe spares the auth library its probe of the GCE metadata server (and its
// warning off Google Cloud); the emulator needs no credentials.
const pubsub = new PubSub({
  projectId: config.pubsub.projectId,
  ...(emulator ? { apiEndpoint: emulator, emulatorMode: true, universeDomain: "googleapis.com" } : {}),
});

/** Creates what is missing; message ordering on, so each launch's events print in commit order. */
async function ensureSubscription(client: PubSub): Promise<void> {
  const ignoreExists = (e: { code?: number }) => {
    if (e.code !== GRPC_ALREADY_EXISTS) throw e;
  };
  await client.createTopic(topic).catch(ignoreExists);
  await client.topic(topic).createSubscription(subscription, { enableMessageOrdering: true }).catch(ignoreExists);
}

let stream: EventStream | undefined;
let stopping = false;

async function attach(): Promise<void> {
  await ensureSubscription(pubsub);
  stream = subscribeEvents(pubsub.subscription(subscription), {
    onEvent(event, { duplicate }) {
      const when = event.attributes["ce-time"] ?? "";
      process.stdout.write(
        `${when} ${event.eventType} key=${event.orderingKey} id=${event.eventId}${duplicate ? " (duplicate, skipped)" : ` ${event.data}`}\n`,
      );
    },
    onError(err) {
      if (stopping) return;
      process.stderr.write(`subscription error: ${err.message.split("\n")[0]}\n`);
      // The emulator restarted and forgot the subscription: make it again and listen on.
      if ((err as { code?: number }).code === GRPC_NOT_FOUND) void reattach();
    },
  });
  process.stdout.write(`echo consumer listening on subscription ${subscription} (topic ${topic}, project ${config.pubsub.projectId})\n`);
}

let reattaching = false;
async function reattach(): Promise<void> {
  if (reattaching) return;
  reattaching = true;
  await stream?.close().catch(() => undefined);
  for (let delay = 500; !stopping; delay = Math.min(delay * 2, 10_000)) {
    try {
      await attach();
      break;
    } catch (err) {
      process.stderr.write(`cannot subscribe yet (${(err as Error).message.split("\n")[0]}); retrying in ${delay} ms\n`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  reattaching = false;
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    stopping = true;
    void Promise.all([stream?.close(), pubsub.close()]).finally(() => process.exit(0));
  });
}

await reattach();
