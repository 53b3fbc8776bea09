import { randomBytes } from "node:crypto";
import type { PubSub } from "@google-cloud/pubsub";
import { type ReceivedEvent, subscribeEvents } from "../../examples/echo-consumer/subscribe-events.js";
import { startPubsubEmulator } from "./pubsub-emulator.js";

export interface TestEmulator {
  readonly host: string;
  readonly projectId: string;
  /** Stops the emulator if this file started it; the runner's own is left alone. */
  release(): Promise<void>;
}

/**
 * The emulator scripts/run-tests.ts exported for the whole run, or a private one when a file
 * runs on its own (`node --import tsx --test file.test.ts`).
 */
export async function testEmulator(): Promise<TestEmulator> {
  const host = process.env.PUBSUB_EMULATOR_HOST;
  if (host) return { host, projectId: process.env.PUBSUB_PROJECT_ID ?? "spacet-test", release: async () => undefined };
  const emu = await startPubsubEmulator();
  return { host: emu.host, projectId: emu.projectId, release: emu.stop };
}

/** A topic or subscription name no other test uses (names need 3+ characters, starting with a letter). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export interface EventCollector {
  /** Distinct events (deduplicated by event id), in first-arrival order. */
  readonly events: ReceivedEvent[];
  readonly duplicates: () => number;
  /** Each ordering key's events, in arrival order. */
  byKey(): Map<string, ReceivedEvent[]>;
  /** Resolves once `done()` holds; rejects after `timeoutMs` saying what was missing. */
  waitFor(done: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates a subscription on `topic` (message ordering on, like every real consumer of ours)
 * and collects what arrives through the echo consumer's deduplicating stream.
 */
export async function collectEvents(pubsub: PubSub, topic: string, opts: { subscription?: string } = {}): Promise<EventCollector> {
  const [subscription] = await pubsub.topic(topic).createSubscription(opts.subscription ?? uniqueName("sub"), { enableMessageOrdering: true });
  const events: ReceivedEvent[] = [];
  const errors: Error[] = [];
  const stream = subscribeEvents(subscription, {
    onEvent: (event, { duplicate }) => void (duplicate || events.push(event)),
    onError: (err) => errors.push(err),
  });
  return {
    events,
    duplicates: () => stream.duplicates,
    byKey() {
      const groups = new Map<string, ReceivedEvent[]>();
      for (const e of events) groups.set(e.orderingKey, [...(groups.get(e.orderingKey) ?? []), e]);
      return groups;
    },
    async waitFor(done, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) {
          const detail = errors.length > 0 ? `; subscriber errors: ${errors.map((e) => e.message).join(" | ")}` : "";
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${events.length} events so far${detail})`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => stream.close(),
  };
}
