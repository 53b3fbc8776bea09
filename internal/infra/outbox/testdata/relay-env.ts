import { after, before } from "node:test";
import type { PubSub } from "@google-cloud/pubsub";
import pg from "pg";
import { createTestDatabase, type TestDatabase, toleratingDrop } from "../../../testkit/postgres.js";
import { createPubsubClient } from "../pubsub-client.js";
import { type TestEmulator, testEmulator } from "../../../testkit/pubsub-env.js";

export interface RelayTestEnv {
  readonly tdb: TestDatabase;
  readonly emu: TestEmulator;
  /** Creates topics and subscriptions for the test. */
  readonly admin: PubSub;
  readonly pool: pg.Pool;
}

/**
 * Registers `before`/`after` hooks giving the calling file its own database, the emulator, an
 * admin Pub/Sub client and a pool; read the fields inside tests (they are set by `before`).
 */
export function useRelayTestEnv(poolMax = 10): RelayTestEnv {
  const env = {} as { tdb: TestDatabase; emu: TestEmulator; admin: PubSub; pool: pg.Pool };
  before(async () => {
    [env.tdb, env.emu] = await Promise.all([createTestDatabase(), testEmulator()]);
    env.admin = createPubsubClient({ projectId: env.emu.projectId, emulatorHost: env.emu.host });
    env.pool = toleratingDrop(new pg.Pool({ connectionString: env.tdb.dsn, max: poolMax }));
  });
  after(async () => {
    await env.pool.end();
    await env.admin.close();
    await Promise.all([env.tdb.drop(), env.emu.release()]);
  });
  return env;
}
