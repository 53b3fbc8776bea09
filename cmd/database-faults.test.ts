import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as Serving } from "../gen/grpc/health/v1/health_pb.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { holdBookingWrites } from "../internal/testkit/booking-writes-lock.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { createTestDatabase, type TestDatabase, withAdmin, withDatabase } from "../internal/testkit/postgres.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";
import { waitUntil } from "../internal/testkit/wait-until.js";

// The service connects as a role of its own without superuser rights, as in production: only
// then do PostgreSQL's per-role limits (CONNECTION LIMIT) apply to it. The test, as superuser,
// breaks the database in the ways a real one breaks, and puts it right again after each case.
let db: TestDatabase;
let service: ServiceProcess;
const role = `spacet_app_${randomBytes(4).toString("hex")}`;

const admin = (sql: string) => withAdmin(db.dsn, (c) => c.query(sql));
/** For what cannot run inside the database it changes (it may refuse connections). */
const clusterAdmin = (sql: string) => withAdmin(withDatabase(db.dsn, "postgres"), (c) => c.query(sql));
const terminateServiceSessions = () => clusterAdmin(`select pg_terminate_backend(pid) from pg_stat_activity where usename = '${role}'`);

before(async () => {
  db = await createTestDatabase();
  await clusterAdmin(`create role ${role} login`);
  await admin(`grant connect on database ${db.name} to ${role};
               grant usage, create on schema public to ${role};
               grant all on all tables in schema public to ${role};
               grant all on all sequences in schema public to ${role}`);
  const dsn = new URL(db.dsn);
  dsn.username = role;
  service = await startServiceProcess({ dsn: dsn.toString() });
});
after(async () => {
  const code = await service?.stop();
  await db?.drop();
  await clusterAdmin(`drop role if exists ${role}`);
  assert.equal(code, 0);
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { code: number; message: string; details: { "@type": string; reason?: string }[] };
  text: string;
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${service.httpUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: JSON.parse(text), text };
}

const book = (launchDate: string, firstName = "Ada") =>
  call("/v1/bookings", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      firstName,
      lastName: "Lovelace",
      gender: "female",
      birthday: "1990-12-10",
      launchpadId: PADS.cape,
      destination: "moon",
      launchDate,
    }),
  });

const reasonOf = (a: Answer) => a.body.details.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo")?.reason;

/** A 503 UNAVAILABLE that tells the client when to retry, with nothing of the infrastructure in it. */
function assertRetryableUnavailable(a: Answer, what: string): void {
  assert.equal(a.status, 503, `${what}: ${a.text}`);
  assert.equal(a.body.code, 14, what);
  assert.equal(a.retryAfter, "1", `${what}: Retry-After`);
  assert.ok(
    a.body.details.some((d) => d["@type"] === "type.googleapis.com/google.rpc.RetryInfo"),
    `${what}: RetryInfo in ${a.text}`,
  );
  assertNoInfrastructure(a.text, what);
}

function assertNoInfrastructure(text: string, what: string): void {
  for (const secret of ["127.0.0.1", "5432", db.name, role, "ECONNREFUSED", "postgres"]) assert.ok(!text.includes(secret), `${what} names ${secret}: ${text}`);
}

/**
 * Books until an answer carries `reason` (the first attempts after the sessions were ended may
 * meet a connection the server closed): every answer on the way must be a retryable 503.
 */
async function bookUntil(reason: string, launchDate: string): Promise<void> {
  await waitUntil(`a booking is refused with ${reason}`, async () => {
    const answer = await book(launchDate);
    assertRetryableUnavailable(answer, `a booking (waiting for ${reason})`);
    return reasonOf(answer) === reason;
  });
}

const health = () => createClient(Health, createGrpcTransport({ baseUrl: service.grpcUrl }));

/** /readiness and gRPC Health/Check, asked one right after the other. */
async function servingOnBothFaces(): Promise<[number, Serving]> {
  const readiness = await call("/readiness");
  const check = await health().check({ service: "" });
  return [readiness.status, check.status];
}

/** Until the service serves normally again (the requests are the synchronisation: each is a real attempt). */
async function untilRecovered(): Promise<void> {
  await waitUntil("the service serves again", async () => (await call("/readiness")).status === 200 && (await call("/v1/launchpads")).status === 200, 15_000);
}

describe("database faults other than a lost connection", () => {
  it("too many connections (53300) is UNAVAILABLE with a retry hint, never INTERNAL", async () => {
    await clusterAdmin(`alter role ${role} connection limit 2`);
    await terminateServiceSessions();
    const lock = await holdBookingWrites(db.dsn);
    let answers: Answer[];
    try {
      // Each booking holds a connection while it waits for the lock, so the pool asks for more
      // connections than the role may have; those beyond the limit are answered while the lock
      // is still held.
      const answered: Answer[] = [];
      const pending = Array.from({ length: 8 }, (_, i) => book("2049-04-05", `Many${"abcdefgh"[i]}`).then((a) => (answered.push(a), a)));
      await waitUntil("the bookings beyond the role's connections are answered", async () => answered.length >= 4);
      await lock.release();
      answers = await Promise.all(pending);
      assert.ok(
        answered.slice(0, 4).every((a) => a.status !== 200),
        "answered while the lock was held: refused",
      );
    } finally {
      await lock.release();
      await clusterAdmin(`alter role ${role} connection limit -1`);
    }
    assert.deepEqual(
      answers.filter((a) => a.status !== 200 && a.status !== 503).map((a) => a.text),
      [],
    );
    for (const a of answers.filter((x) => x.status === 503)) assertRetryableUnavailable(a, "a booking beyond the role's connections");
    await untilRecovered();
  });

  it("a read-only database after a failover (25006): writes are UNAVAILABLE, and readiness and gRPC health say NOT_SERVING until it takes writes again", async () => {
    await clusterAdmin(`alter role ${role} set default_transaction_read_only = on`);
    try {
      await terminateServiceSessions();
      await bookUntil("DATABASE_READ_ONLY", "2049-05-10");
      assert.equal((await call("/v1/launchpads")).status, 200, "reads still work");

      const readiness = await call("/readiness");
      assert.equal(readiness.status, 503);
      assert.deepEqual(readiness.body, { status: "database unavailable", name: "spacet", version: "0.1.0", checks: { database: { ok: false } } });
      assert.equal((await health().check({ service: "" })).status, Serving.NOT_SERVING);
      assert.equal((await health().check({ service: "spacet.v1.BookingService" })).status, Serving.NOT_SERVING);
    } finally {
      await clusterAdmin(`alter role ${role} reset default_transaction_read_only`);
      await terminateServiceSessions();
    }
    await untilRecovered();
    assert.deepEqual(await servingOnBothFaces(), [200, Serving.SERVING]);
    assert.equal((await book("2049-05-10")).status, 200);
  });

  it("a database that accepts no connections (55000): every RPC, SyncService's included, is UNAVAILABLE; probes and gRPC health agree and name no infrastructure", async () => {
    const logsBefore = service.process.stdout().length;
    await clusterAdmin(`alter database ${db.name} allow_connections false`);
    try {
      await terminateServiceSessions();
      assertRetryableUnavailable(await call("/v1/launches"), "GET /v1/launches");
      assertRetryableUnavailable(await call("/v1/sync"), "GET /v1/sync");
      // RunSync is for operators: the token is checked before any database work.
      const operator = bearer(await mintTestToken({ role: "operator" }));
      assertRetryableUnavailable(
        await call("/v1/sync:run", { method: "POST", body: "{}", headers: { "content-type": "application/json", ...operator } }),
        "POST /v1/sync:run",
      );
      assertRetryableUnavailable(await book("2049-06-14"), "a booking");

      assert.deepEqual(await servingOnBothFaces(), [503, Serving.NOT_SERVING]);
      const readiness = await call("/readiness");
      assertNoInfrastructure(readiness.text, "/readiness");
      const liveness = await call("/liveness");
      assert.equal(liveness.status, 500);
      assert.deepEqual(liveness.body, { status: "unhealthy", checks: { database: { ok: false } } });
      assertNoInfrastructure(liveness.text, "/liveness");
      // The reason goes to the logs. They travel on another pipe than the HTTP answers, so the
      // line may arrive after them: wait for it (a line of this test, not of an earlier one).
      await waitUntil("the readiness failure in the logs", async () => /"msg":"readiness check fails"/.test(service.process.stdout().slice(logsBefore)), 5_000);
    } finally {
      await clusterAdmin(`alter database ${db.name} allow_connections true`);
    }
    await untilRecovered();
    assert.deepEqual(await servingOnBothFaces(), [200, Serving.SERVING]);
  });

  it("a statement timeout (57014) is UNAVAILABLE with a retry hint", async () => {
    await clusterAdmin(`alter role ${role} set statement_timeout = '300ms'`);
    await terminateServiceSessions();
    const lock = await holdBookingWrites(db.dsn);
    try {
      await bookUntil("DATABASE_TIMEOUT", "2049-07-19");
    } finally {
      await lock.release();
      await clusterAdmin(`alter role ${role} reset statement_timeout`);
      await terminateServiceSessions();
    }
    await untilRecovered();
  });
});
