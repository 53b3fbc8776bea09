import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import type { DescFile } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { Health } from "../../../gen/grpc/health/v1/health_pb.js";
import { createHealthService } from "../../../pkg/grpc-health/index.js";
import { quietLog } from "../../testkit/logs.js";
import { REPO_ROOT } from "../../testkit/processes.js";
import { createErrorsInterceptor } from "../errors-interceptor.js";
import { createAccessRules, declaredRule } from "./access-rules.js";
import { createAuthInterceptor } from "./auth-interceptor.js";

/** Every file generated from protos/spacet/v1, found from the .proto files themselves. */
async function spacetV1Files(): Promise<DescFile[]> {
  const protos = readdirSync(`${REPO_ROOT}protos/spacet/v1`).filter((f) => f.endsWith(".proto"));
  assert.ok(protos.length >= 6, protos.join(", "));
  return Promise.all(
    protos.map(async (proto) => {
      const name = proto.replace(/\.proto$/, "");
      const module = (await import(`../../../gen/spacet/v1/${name}_pb.js`)) as Record<string, DescFile>;
      const file = module[`file_spacet_v1_${name}`];
      assert.ok(file, `gen/spacet/v1/${name}_pb.ts exports file_spacet_v1_${name}`);
      return file;
    }),
  );
}

const unusedTokens = { verify: () => Promise.reject(new Error("no token expected")) };

describe("access declarations", () => {
  it("every RPC of every service in protos/spacet/v1 declares who may call it", async () => {
    const methods = (await spacetV1Files()).flatMap((f) => f.services.flatMap((s) => s.methods));
    assert.ok(methods.length >= 13, `${methods.length} methods`);
    const problems = methods.map(declaredRule).filter((r) => typeof r === "string");
    assert.deepEqual(problems, []);
  });

  it("declares the authorization matrix: operators sync, list bookings, run flights and see webhook deliveries, users book flights, keep alerts and subscriptions and see themselves, the rest is public", async () => {
    const matrix = Object.fromEntries(
      (await spacetV1Files())
        .flatMap((f) => f.services.flatMap((s) => s.methods))
        .map((m) => {
          const rule = declaredRule(m);
          return [`${m.parent.name}.${m.name}`, typeof rule === "string" ? rule : rule.kind === "public" ? "public" : rule.role];
        }),
    );
    assert.deepEqual(matrix, {
      "AuthService.Register": "public",
      "AuthService.Login": "public",
      "AuthService.GetMe": "user",
      "BookingService.CreateBooking": "public",
      "BookingService.GetBooking": "public",
      "BookingService.ListBookings": "operator",
      "BookingService.CancelBooking": "public",
      "LaunchService.ListDestinations": "public",
      "LaunchService.ListLaunches": "public",
      "LaunchpadService.ListLaunchpads": "public",
      "LaunchpadService.GetLaunchpad": "public",
      "SyncService.GetSyncStatus": "public",
      "SyncService.RunSync": "operator",
      "FlightService.CreateFlight": "operator",
      "FlightService.GetFlight": "public",
      "FlightService.SearchFlights": "public",
      "FlightService.UpdateFlightStatus": "operator",
      "FlightService.CancelFlight": "operator",
      "FlightService.WatchFlight": "public",
      "FlightBookingService.BookFlight": "user",
      "FlightBookingService.GetFlightBooking": "user",
      "FlightBookingService.ListFlightBookings": "user",
      "FlightBookingService.CancelFlightBooking": "user",
      "AlertService.CreateAlert": "user",
      "AlertService.ListAlerts": "user",
      "AlertService.DeleteAlert": "user",
      "SubscriptionService.Subscribe": "user",
      "SubscriptionService.Unsubscribe": "user",
      "SubscriptionService.ListSubscriptions": "user",
      "WebhookService.ListWebhookDeliveries": "operator",
      "WebhookService.RetryWebhookDelivery": "operator",
    });
  });

  it("lists a served service without declarations as a problem, and refuses its calls (deny by default)", async () => {
    const rules = createAccessRules({ services: [Health] });
    assert.deepEqual(rules.problems, [
      "grpc.health.v1.Health/Check declares no (spacet.v1.access) option",
      "grpc.health.v1.Health/Watch declares no (spacet.v1.access) option",
      "grpc.health.v1.Health/List declares no (spacet.v1.access) option",
    ]);
    const serve = (accessRules: typeof rules) =>
      createClient(
        Health,
        createRouterTransport((router) => createHealthService().register(router), {
          router: { interceptors: [createErrorsInterceptor(quietLog), createAuthInterceptor({ rules: accessRules, tokens: unusedTokens })] },
        }),
      );
    const err = await serve(rules)
      .check({})
      .then(
        () => assert.fail("expected PERMISSION_DENIED"),
        (e: unknown) => ConnectError.from(e),
      );
    assert.equal(err.code, Code.PermissionDenied);
    assert.match(err.rawMessage, /grpc\.health\.v1\.Health\/Check declares no access rule/);

    // The same service on the explicit allowlist of protocol services is open.
    const allowed = createAccessRules({ services: [], publicServices: [Health] });
    assert.deepEqual(allowed.problems, []);
    assert.equal((await serve(allowed).check({})).status, 1);
  });
});
