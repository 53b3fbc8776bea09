import { after, before } from "node:test";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { type ServiceProcess, startServiceProcess } from "./service-process.js";
import { type SpacexFixtureServer, startSpacexFixtureServer } from "./spacex-fixture-server/server.js";

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

/**
 * {@link useServiceProcess} with SPACEX_API_URL on a SpaceX fixture server of the file's own
 * (the 2022 snapshot moved into the future), so the server's start-up sync succeeds.
 */
export function useServiceWithSpacexFixtures(env: NodeJS.ProcessEnv = {}): ServiceUnderTest & { readonly fixture: SpacexFixtureServer } {
  const serviceEnv = { ...env };
  let fixture: SpacexFixtureServer | undefined;
  // Registered before useServiceProcess's hooks, so the fixture is up when the server starts.
  before(async () => {
    fixture = await startSpacexFixtureServer({ shiftYears: new Date().getUTCFullYear() - 2022 + 1 });
    serviceEnv.SPACEX_API_URL = fixture.url;
  });
  const sut = useServiceProcess(serviceEnv);
  after(async () => {
    await fixture?.close();
  });
  return {
    get db() {
      return sut.db;
    },
    get service() {
      return sut.service;
    },
    get exitCode() {
      return sut.exitCode;
    },
    get fixture() {
      if (!fixture) throw new Error("the fixture server is started by the before hook");
      return fixture;
    },
  };
}
