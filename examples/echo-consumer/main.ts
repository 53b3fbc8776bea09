/**
 * `npm run examples:echo [-- --subscription <name>]`: prints every SpaceT event published to
 * PUBSUB_LAUNCHES_TOPIC (subscription `<name>`) and PUBSUB_FLIGHTS_TOPIC (`<name>-flights`),
 * one line each, deduplicated by event id. Reads the same config as the service
 * (config/config.yaml + environment), so PUBSUB_EMULATOR_HOST points it at the emulator. It
 * creates the topics and subscriptions when missing, and again when an emulator restart lost
 * them. SIGTERM/SIGINT stop it (exit 0).
 */
import { parseArgs } from "node:util";
import { PubSub } from "@google-cloud/pubsub";
import { configPathFromArgv, loadConfig } from "../../config/config.js";
import { type EventStream, subscribeEvents } from "./subscribe-events.js";

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

const { values: args } = parseArgs({ options: { subscription: { type: "string" }, config: { type: "string" } } });
const config = loadConfig({ path: configPathFromArgv(process.argv.slice(2)) });
const subscription = args.subscription ?? `${config.app.name}-echo`;
/** One subscription per topic: launch events (ordering key the launch id) and flight events (the flight id). */
const feeds = [
  { topic: config.pubsub.launchesTopic, subscription },
  { topic: config.pubsub.flightsTopic, subscription: `${subscription}-flights` },
];
const emulator = config.pubsub.emulatorHost;
// Naming the universe spares the auth library its probe of the GCE metadata server (and its
// warning off Google Cloud); the emulator needs no credentials.
const pubsub = new PubSub({
  projectId: config.pubsub.projectId,
  ...(emulator ? { apiEndpoint: emulator, emulatorMode: true, universeDomain: "googleapis.com" } : {}),
});

interface Feed {
  readonly topic: string;
  readonly subscription: string;
}

/** Creates what is missing; message ordering on, so each aggregate's events print in commit order. */
async function ensureSubscription(client: PubSub, feed: Feed): Promise<void> {
  const ignoreExists = (e: { code?: number }) => {
    if (e.code !== GRPC_ALREADY_EXISTS) throw e;
  };
  await client.createTopic(feed.topic).catch(ignoreExists);
  await client.topic(feed.topic).createSubscription(feed.subscription, { enableMessageOrdering: true }).catch(ignoreExists);
}

const streams = new Map<Feed, EventStream>();
let stopping = false;

async function attach(feed: Feed): Promise<void> {
  await ensureSubscription(pubsub, feed);
  const stream = subscribeEvents(pubsub.subscription(feed.subscription), {
    onEvent(event, { duplicate }) {
      const when = event.attributes["ce-time"] ?? "";
      process.stdout.write(
        `${when} ${event.eventType} key=${event.orderingKey} id=${event.eventId}${duplicate ? " (duplicate, skipped)" : ` ${event.data}`}\n`,
      );
    },
    onError(err) {
      if (stopping) return;
      process.stderr.write(`subscription ${feed.subscription} error: ${err.message.split("\n")[0]}\n`);
      // The emulator restarted and forgot the subscription: make it again and listen on.
      if ((err as { code?: number }).code === GRPC_NOT_FOUND) void reattach(feed);
    },
  });
  streams.set(feed, stream);
  process.stdout.write(`echo consumer listening on subscription ${feed.subscription} (topic ${feed.topic}, project ${config.pubsub.projectId})\n`);
}

const reattaching = new Set<Feed>();
async function reattach(feed: Feed): Promise<void> {
  if (reattaching.has(feed)) return;
  reattaching.add(feed);
  await streams
    .get(feed)
    ?.close()
    .catch(() => undefined);
  for (let delay = 500; !stopping; delay = Math.min(delay * 2, 10_000)) {
    try {
      await attach(feed);
      break;
    } catch (err) {
      process.stderr.write(`cannot subscribe to ${feed.topic} yet (${(err as Error).message.split("\n")[0]}); retrying in ${delay} ms\n`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  reattaching.delete(feed);
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    stopping = true;
    void Promise.all([...[...streams.values()].map((s) => s.close()), pubsub.close()]).finally(() => process.exit(0));
  });
}

await Promise.all(feeds.map(reattach));
