import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { Role } from "../gen/spacet/v1/access_pb.js";
import { AuthService } from "../gen/spacet/v1/auth_pb.js";
import { BookingService } from "../gen/spacet/v1/booking_pb.js";
import { RunSyncResult, SyncService } from "../gen/spacet/v1/sync_pb.js";
import { bearer } from "../internal/testkit/auth.js";
import { spawnScript } from "../internal/testkit/processes.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

// "boss" is an operator by configuration; "grace" becomes one through `npm run user:operator`.
const sut = useServiceProcess({ OPERATOR_USERNAMES: "boss" });
const password = `pw-${randomUUID()}`;

const faces: [string, () => Transport][] = [
  ["Connect", () => createConnectTransport({ baseUrl: sut.service.httpUrl, httpVersion: "1.1", useBinaryFormat: false })],
  ["gRPC", () => createGrpcTransport({ baseUrl: sut.service.grpcUrl })],
  ["gRPC-Web", () => createGrpcWebTransport({ baseUrl: sut.service.httpUrl, httpVersion: "1.1" })],
];

/** Registers `username` (once) and logs in; answers the access token. */
async function tokenOf(username: string): Promise<string> {
  const auth = createClient(AuthService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
  await auth.register({ username, email: `${username}@example.com`, password }).catch((e: unknown) => {
    if (ConnectError.from(e).code !== Code.AlreadyExists) throw e;
  });
  return (await auth.login({ username, password })).accessToken;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => Code[ConnectError.from(e).code],
  );

/** The operator-only RPCs, each called with the given headers. */
const operatorCalls = (transport: Transport, headers: Record<string, string>) => {
  const bookings = createClient(BookingService, transport);
  const sync = createClient(SyncService, transport);
  return {
    ListBookings: () => bookings.listBookings({ pageSize: 5 }, { headers }),
    RunSync: () => sync.runSync({}, { headers }),
  };
};

describe("operator-only methods: RunSync and ListBookings", () => {
  for (const [face, transport] of faces) {
    it(`over ${face}: no token UNAUTHENTICATED, a user's token PERMISSION_DENIED, an operator's token works`, async () => {
      const [user, operator] = await Promise.all([tokenOf("ada"), tokenOf("boss")]);
      for (const [name, call] of Object.entries(operatorCalls(transport(), {}))) assert.equal(await codeOf(call()), "Unauthenticated", name);
      for (const [name, call] of Object.entries(operatorCalls(transport(), bearer(user)))) {
        const err = await call().then(
          () => assert.fail(`${name} let a user in`),
          (e: unknown) => ConnectError.from(e),
        );
        assert.deepEqual([err.code, err.findDetails(ErrorInfoSchema)[0]?.reason], [Code.PermissionDenied, "ROLE_REQUIRED"], name);
      }
      const calls = operatorCalls(transport(), bearer(operator));
      assert.deepEqual((await calls.ListBookings()).bookings, []);
      // SpaceX is unreachable from tests: the run fails (or the start-up run still holds the lock).
      assert.ok([RunSyncResult.RAN, RunSyncResult.ALREADY_RUNNING].includes((await calls.RunSync()).result));
    });
  }

  it("over REST: 401 with WWW-Authenticate, 403, then 200", async () => {
    const [user, operator] = await Promise.all([tokenOf("ada"), tokenOf("boss")]);
    const call = (path: string, method: string, token?: string) =>
      fetch(`${sut.service.httpUrl}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? bearer(token) : {}) },
        body: method === "POST" ? "{}" : undefined,
      });
    for (const [path, method] of [
      ["/v1/bookings", "GET"],
      ["/v1/sync:run", "POST"],
    ]) {
      const anonymous = await call(path, method);
      assert.deepEqual([anonymous.status, anonymous.headers.get("www-authenticate")], [401, "Bearer"], path);
      assert.equal((await call(path, method, user)).status, 403, path);
      const ok = await call(path, method, operator);
      assert.equal(ok.status, 200, `${path}: ${await ok.text()}`);
    }
  });

  it("`npm run user:operator -- <username>` makes a registered user an operator at the next login", async () => {
    const before = await tokenOf("grace");
    assert.equal(await codeOf(operatorCalls(createGrpcTransport({ baseUrl: sut.service.grpcUrl }), bearer(before)).ListBookings()), "PermissionDenied");
    const grant = spawnScript("cmd/user-operator.ts", { args: ["Grace"], env: { PG_DSN: sut.db.dsn, LOG_LEVEL: "warn" } });
    assert.equal((await grant.exited).code, 0, grant.stderr());
    assert.match(grant.stdout(), /grace is now an operator/);
    const after = await tokenOf("grace");
    const me = await createClient(AuthService, createGrpcTransport({ baseUrl: sut.service.grpcUrl })).getMe({}, { headers: bearer(after) });
    assert.equal(me.user?.role, Role.OPERATOR);
    assert.equal(await codeOf(operatorCalls(createGrpcTransport({ baseUrl: sut.service.grpcUrl }), bearer(after)).ListBookings()), "ok");

    const unknown = spawnScript("cmd/user-operator.ts", { args: ["nobody"], env: { PG_DSN: sut.db.dsn, LOG_LEVEL: "warn" } });
    assert.equal((await unknown.exited).code, 1);
    assert.match(unknown.stderr(), /no user named "nobody"/);
    const usage = spawnScript("cmd/user-operator.ts", { env: { PG_DSN: sut.db.dsn } });
    assert.equal((await usage.exited).code, 2);
    assert.match(usage.stderr(), /usage: npm run user:operator -- <username>/);
  });
});

describe("public methods", () => {
  it("serve anyone without a token: catalog, bookings by ticket id, sync status, register and login", async () => {
    const get = (path: string) => fetch(`${sut.service.httpUrl}${path}`).then((r) => r.status);
    assert.deepEqual(await Promise.all(["/v1/launchpads", "/v1/destinations", "/v1/launches", "/v1/sync"].map(get)), [200, 200, 200, 200]);
    assert.equal(await get(`/v1/bookings/${randomUUID()}`), 404, "GetBooking is open; the ticket id is the capability");
  });

  it("GetMe needs a user token: an operator's works too", async () => {
    const auth = createClient(AuthService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
    assert.equal(await codeOf(auth.getMe({})), "Unauthenticated");
    assert.equal((await auth.getMe({}, { headers: bearer(await tokenOf("boss")) })).user?.role, Role.OPERATOR);
  });
});
