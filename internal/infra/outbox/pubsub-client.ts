import { PubSub } from "@google-cloud/pubsub";

/**
 * A Pub/Sub client for the project, pointed at the emulator when `emulatorHost` is set.
 *
 * The emulator address is passed explicitly (apiEndpoint + emulatorMode) rather than through
 * the PUBSUB_EMULATOR_HOST variable, so config/ stays the only reader of the environment and
 * one process can talk to two emulators (tests do). Naming the universe spares
 * google-auth-library its credential lookup, which probes the GCE metadata server and warns
 * when there is none; the emulator uses no auth anyway. grpc-js's reconnect backoff is capped
 * at 5 s (default 120 s), so clients resume within seconds of Pub/Sub coming back.
 */
export function createPubsubClient(opts: { projectId: string; emulatorHost?: string }): PubSub {
  return new PubSub({
    projectId: opts.projectId,
    ...(opts.emulatorHost ? { apiEndpoint: opts.emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" } : {}),
    "grpc.max_reconnect_backoff_ms": 5_000,
  } as ConstructorParameters<typeof PubSub>[0]);
}
