import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { ErrorInfoSchema, RetryInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { AuthService } from "../gen/spacet/v1/auth_pb.js";
import { createTestDatabase, type TestDatabase } from "../internal/testkit/postgres.js";
import { createSecretLog } from "../internal/testkit/secrets-in-logs.js";
import { type ServiceProcess, startServiceProcess } from "../internal/testkit/service-process.js";

// Two replicas on one database: the limit lives in Postgres, so what one counts the other sees.
const LIMITS = { LOGIN_MAX_FAILURES: "3", LOGIN_MAX_FAILURES_PER_ADDRESS: "5", LOGIN_FAILURE_WINDOW: "15m", LOG_LEVEL: "debug" };
let db: TestDatabase;
let pool: pg.Pool;
let replicas: ServiceProcess[] = [];
const secrets = createSecretLog();

before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.dsn, max: 2 });
  pool.on("error", () => undefined);
  replicas = await Promise.all([1, 2].map(() => startServiceProcess({ dsn: db.dsn, env: LIMITS })));
});
after(async () => {
  const codes = await Promise.all(replicas.map((r) => r.stop()));
  await pool?.end();
  await db?.drop();
  assert.deepEqual(codes, [0, 0]);
});

const login = (replica: ServiceProcess, username: string, password: string) =>
  fetch(`${replica.httpUrl}/v1/auth/login`, { method: "POST", body: JSON.stringify({ username, password }) });
const grpcAuth = (replica: ServiceProcess) => createClient(AuthService, createGrpcTransport({ baseUrl: replica.grpcUrl }));
const attempts = async (key: string) => (await pool.query<{ attempts: number }>("select attempts from login_throttle where key = $1", [key])).rows[0]?.attempts;

describe("failed logins are limited across server processes", () => {
  it("after 3 failures for a username on one replica, the other refuses it for the rest of the window, even with the right password", async () => {
    const [a, b] = replicas;
    const password = secrets.keep(`pw-${randomUUID()}`);
    await grpcAuth(a).register({ username: "ada", email: "ada@example.com", password });
    for (let i = 0; i < 3; i++) assert.equal((await login(a, "ada", secrets.keep(`wrong-${randomUUID()}`))).status, 401);

    const viaGrpc = await grpcAuth(b)
      .login({ username: "ada", password })
      .then(
        () => assert.fail("replica B let the login through"),
        (e: unknown) => ConnectError.from(e),
      );
    assert.equal(viaGrpc.code, Code.ResourceExhausted);
    assert.equal(viaGrpc.findDetails(ErrorInfoSchema)[0].reason, "TOO_MANY_LOGIN_ATTEMPTS");
    const delay = viaGrpc.findDetails(RetryInfoSchema)[0].retryDelay;
    assert.ok(delay && Number(delay.seconds) > 800 && Number(delay.seconds) <= 900, `retry delay ${delay?.seconds} s`);

    const viaRest = await login(b, "ada", password);
    assert.equal(viaRest.status, 429);
    const retryAfter = Number(viaRest.headers.get("retry-after"));
    assert.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${retryAfter}`);
    assert.equal(((await viaRest.json()) as { code: number }).code, 8);
    assert.equal(await attempts("username:ada"), 3, "refused attempts are not failures");
  });

  it("limits one client address over many usernames, counted from REST on one replica and gRPC on the other", async () => {
    const [a, b] = replicas;
    // The three failures above came from this test's address (127.0.0.1): two more are allowed.
    assert.equal(await attempts("address:127.0.0.1"), 3);
    assert.equal((await login(a, "spray-1", secrets.keep(`wrong-${randomUUID()}`))).status, 401);
    const grpcFailure = await grpcAuth(b)
      .login({ username: "spray-2", password: secrets.keep(`wrong-${randomUUID()}`) })
      .catch((e: unknown) => ConnectError.from(e));
    assert.equal(grpcFailure instanceof ConnectError && grpcFailure.code, Code.Unauthenticated);
    assert.equal(await attempts("address:127.0.0.1"), 5, "both faces count against the caller's address");
    const refused = await login(a, "spray-3", secrets.keep(`wrong-${randomUUID()}`));
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) > 0);
  });

  it("leaves no password, hash or token in either replica's logs", async () => {
    const password = secrets.keep(`pw-${randomUUID()}`);
    await grpcAuth(replicas[1]).register({ username: "grace", email: "grace@example.com", password });
    // This address used up its failures above; a fresh budget lets the login below through.
    await pool.query("delete from login_throttle where key like 'address:%'");
    secrets.keep((await grpcAuth(replicas[0]).login({ username: "grace", password })).accessToken);
    await secrets.assertAbsent(
      replicas.flatMap((r) => [r.process.stdout(), r.process.stderr()]),
      pool,
    );
  });
});
