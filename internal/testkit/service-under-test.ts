import { after, before } from "node:test";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { type ServiceProcess, startServiceProcess } from "./service-process.js";

export interface ServiceUnderTest {
  readonly db: TestDatabase;
  readonly service: ServiceProcess;
  /** Exit code of the SIGTERM in `after` (set once the file's tests are done). */
  readonly exitCode: number | null | undefined;
}

/**
 * Registers `before`/`after` hooks that give the calling file its own database and the real
 * server (`cmd/server.ts`) on free ports; `after` sends SIGTERM and drops the database.
 */
export function useServiceProcess(env?: NodeJS.ProcessEnv): ServiceUnderTest {
  const ctx = {} as { db: TestDatabase; service: ServiceProcess; exitCode: number | null | undefined };
  before(async () => {
    ctx.db = await createTestDatabase();
    ctx.service = await startServiceProcess({ dsn: ctx.db.dsn, env });
  });
  after(async () => {
    ctx.exitCode = await ctx.service?.stop();
    await ctx.db?.drop();
  });
  return ctx;
}
