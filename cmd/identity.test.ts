import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { after, describe, it } from "node:test";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { Role } from "../gen/spacet/v1/access_pb.js";
import { AuthService } from "../gen/spacet/v1/auth_pb.js";
import { BookingService } from "../gen/spacet/v1/booking_pb.js";
import { bearer } from "../internal/testkit/auth.js";
import { forgedTokens } from "../internal/testkit/forged-tokens.js";
import { REPO_ROOT, spawnScript } from "../internal/testkit/processes.js";
import { createSecretLog } from "../internal/testkit/secrets-in-logs.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

const run = promisify(execFile);
// Debug level: every line the service can write is searched for secrets at the end.
const sut = useServiceProcess({ LOG_LEVEL: "debug" });
const secrets = createSecretLog();
let pool: pg.Pool | undefined;
/** The file's database, opened on first use (sut.db exists once the service hook ran). */
const db = () => {
  if (pool) return pool;
  pool = new pg.Pool({ connectionString: sut.db.dsn, max: 2 });
  pool.on("error", () => undefined); // the database is dropped with force at the end
  return pool;
};
after(() => pool?.end());

const faces: [string, () => Transport][] = [
  ["Connect", () => createConnectTransport({ baseUrl: sut.service.httpUrl, httpVersion: "1.1", useBinaryFormat: false })],
  ["gRPC", () => createGrpcTransport({ baseUrl: sut.service.grpcUrl })],
  ["gRPC-Web", () => createGrpcWebTransport({ baseUrl: sut.service.httpUrl, httpVersion: "1.1" })],
];

interface RestAnswer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}
async function rest(method: string, path: string, opts: { body?: object; token?: string } = {}): Promise<RestAnswer> {
  const res = await fetch(`${sut.service.httpUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(opts.token ? bearer(opts.token) : {}) },
    body: opts.body && JSON.stringify(opts.body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const newPassword = () => secrets.keep(`pw-${randomUUID()}`);
async function registerAndLogin(username: string) {
  const password = newPassword();
  const reg = await rest("POST", "/v1/auth/register", { body: { username, email: `${username}@example.com`, password } });
  assert.equal(reg.status, 200, JSON.stringify(reg.body));
  const login = await rest("POST", "/v1/auth/login", { body: { username, password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return { password, user: reg.body.user, token: secrets.keep(login.body.accessToken as string), login: login.body };
}
const connectError = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail("expected an error"),
    (e: unknown) => ConnectError.from(e),
  );
const usersNamed = async (name: string) => (await db().query("select role from users where lower(username) = $1", [name])).rows as { role: string }[];

describe("register, log in and ask who I am", () => {
  it("over REST: register answers the user without any hash, login a Bearer token, GET /v1/me the same user", async () => {
    const { user, login, token } = await registerAndLogin("ada");
    assert.deepEqual(Object.keys(user).sort(), ["createTime", "email", "role", "userId", "username"]);
    assert.deepEqual([user.username, user.email, user.role], ["ada", "ada@example.com", "ROLE_USER"]);
    assert.equal(login.tokenType, "Bearer");
    assert.ok(Date.parse(login.expireTime) > Date.now() + 3_500_000, "1 h tokens by default");
    assert.deepEqual(login.user, user);
    const me = await rest("GET", "/v1/me", { token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.user, user);
    assert.doesNotMatch(JSON.stringify([user, login.user, me.body]), /argon2|hash|password/i);
  });

  for (const [face, transport] of faces) {
    it(`over ${face}`, async () => {
      const client = createClient(AuthService, transport());
      const username = `user-${face.toLowerCase()}`;
      const password = newPassword();
      const { user } = await client.register({ username, email: `${username}@example.com`, password });
      assert.equal(user?.role, Role.USER);
      const login = await client.login({ username: username.toUpperCase(), password });
      secrets.keep(login.accessToken);
      assert.equal(login.tokenType, "Bearer");
      const me = await client.getMe({}, { headers: bearer(login.accessToken) });
      assert.deepEqual([me.user?.userId, me.user?.username], [user?.userId, username]);
      const err = await connectError(client.getMe({}));
      assert.equal(err.code, Code.Unauthenticated);
    });
  }

  it("with buf curl -H 'authorization: Bearer …' over gRPC", async () => {
    const { token, user } = await registerAndLogin("grace");
    const { stdout } = await run(`${REPO_ROOT}node_modules/.bin/buf`, [
      "curl",
      "--protocol",
      "grpc",
      "--http2-prior-knowledge",
      "-H",
      `authorization: Bearer ${token}`,
      "-d",
      "{}",
      `${sut.service.grpcUrl}/spacet.v1.AuthService/GetMe`,
    ]);
    assert.equal(JSON.parse(stdout).user.userId, user.userId);
  });
});

describe("registration conflicts", () => {
  it("answers a taken username (any case) and a taken email with 409 ALREADY_EXISTS", async () => {
    await registerAndLogin("hopper");
    const name = await rest("POST", "/v1/auth/register", { body: { username: "Hopper", email: "other@example.com", password: newPassword() } });
    assert.deepEqual([name.status, name.body.code, name.body.details[0].reason], [409, 6, "USERNAME_TAKEN"]);
    const email = await rest("POST", "/v1/auth/register", { body: { username: "hopper2", email: "HOPPER@example.com", password: newPassword() } });
    assert.deepEqual([email.status, email.body.details[0].reason], [409, "EMAIL_TAKEN"]);
  });

  it("creates exactly one user out of 20 concurrent registrations of one name, the others 409", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rest("POST", "/v1/auth/register", { body: { username: "samename", email: `same${i}@example.com`, password: newPassword() } }).then((r) => r.status),
      ),
    );
    assert.deepEqual([statuses.filter((s) => s === 200).length, statuses.filter((s) => s === 409).length], [1, 19], statuses.join(","));
    assert.equal((await usersNamed("samename")).length, 1);
  });

  it("never makes an operator from a body that asks for it", async () => {
    const body = { username: "mallory", email: "mallory@example.com", password: newPassword(), role: "operator" };
    const viaRest = await rest("POST", "/v1/auth/register", { body });
    assert.equal(viaRest.status, 400, "REST refuses the unknown field");
    assert.equal(viaRest.body.details[0].violations[0].field.elements[0].fieldName, "role");
    // Connect's JSON codec sees the same body; whatever it answers, no operator comes of it.
    const viaConnect = await fetch(`${sut.service.httpUrl}/spacet.v1.AuthService/Register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, role: "ROLE_OPERATOR" }),
    });
    assert.ok([200, 400].includes(viaConnect.status), String(viaConnect.status));
    const rows = await usersNamed("mallory");
    assert.ok(
      rows.every((r) => r.role === "user"),
      JSON.stringify(rows),
    );
    if (rows.length === 1) {
      const login = await rest("POST", "/v1/auth/login", { body: { username: "mallory", password: body.password } });
      assert.equal(login.body.user.role, "ROLE_USER");
    }
  });
});

describe("login failures", () => {
  it("answers an unknown user exactly as a wrong password, on REST and gRPC", async () => {
    await registerAndLogin("lamarr");
    const wrong = await rest("POST", "/v1/auth/login", { body: { username: "lamarr", password: newPassword() } });
    const unknown = await rest("POST", "/v1/auth/login", { body: { username: "no-such-user", password: newPassword() } });
    assert.equal(wrong.status, 401);
    assert.deepEqual([unknown.status, unknown.body], [wrong.status, wrong.body]);
    assert.equal(wrong.headers.get("www-authenticate"), "Bearer");

    const client = createClient(AuthService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
    const [a, b] = await Promise.all([
      connectError(client.login({ username: "lamarr", password: newPassword() })),
      connectError(client.login({ username: "no-such-user-2", password: newPassword() })),
    ]);
    assert.deepEqual(
      [a.code, a.rawMessage, a.findDetails(ErrorInfoSchema)[0].reason],
      [Code.Unauthenticated, "invalid username or password", "INVALID_CREDENTIALS"],
    );
    assert.deepEqual([b.code, b.rawMessage, b.findDetails(ErrorInfoSchema)[0].reason], [a.code, a.rawMessage, "INVALID_CREDENTIALS"]);
  });
});

describe("bad tokens are UNAUTHENTICATED on every face", () => {
  it("expired, other key, alg none, wrong audience or issuer, malformed: 401 with WWW-Authenticate on REST", async () => {
    for (const [name, token] of Object.entries(await forgedTokens())) {
      for (const path of ["/v1/me", "/v1/bookings"]) {
        const res = await rest("GET", path, { token });
        assert.deepEqual([res.status, res.body.code, res.headers.get("www-authenticate")], [401, 16, "Bearer"], `${name} on ${path}`);
        assert.ok(!JSON.stringify(res.body).includes(token), "the answer never repeats the token");
      }
    }
  });

  for (const [face, transport] of faces) {
    it(`and over ${face}`, async () => {
      const auth = createClient(AuthService, transport());
      const bookings = createClient(BookingService, transport());
      for (const [name, token] of Object.entries(await forgedTokens())) {
        assert.equal((await connectError(auth.getMe({}, { headers: bearer(token) }))).code, Code.Unauthenticated, `${name}: GetMe`);
        assert.equal((await connectError(bookings.listBookings({}, { headers: bearer(token) }))).code, Code.Unauthenticated, `${name}: ListBookings`);
      }
      assert.equal((await connectError(auth.getMe({}, { headers: { authorization: "Basic YWRhOnB3" } }))).code, Code.Unauthenticated, "not a bearer token");
    });
  }

  it("a public method ignores a bad token and serves the caller anonymously", async () => {
    const [token] = Object.values(await forgedTokens());
    assert.equal((await rest("GET", "/v1/launchpads", { token })).status, 200);
    assert.equal((await rest("GET", "/v1/sync", { token })).status, 200);
  });
});

describe("configuration", () => {
  it("refuses to start with PG_DSN and no JWT_SECRET, naming the key", async () => {
    const proc = spawnScript("cmd/server.ts", { env: { PG_DSN: sut.db.dsn, JWT_SECRET: "", HTTP_PORT: "0", GRPC_PORT: "0" } });
    const { code } = await proc.exited;
    assert.equal(code, 2);
    assert.match(proc.stderr(), /JWT_SECRET is required when PG_DSN is set/);
  });
});

describe("logs", () => {
  it("hold no password, password hash or token used in this file", async () => {
    await secrets.assertAbsent([sut.service.process.stdout(), sut.service.process.stderr()], db());
  });
});
