import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, type ConnectRouter, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Registry } from "prom-client";
import { Health, HealthCheckResponse_ServingStatus as S } from "../../gen/grpc/health/v1/health_pb.js";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { parsePrometheusText, sampleValue } from "../../internal/testkit/prometheus-text.js";
import { rawGrpcCall } from "../../internal/testkit/raw-grpc-call.js";
import { waitUntil } from "../../internal/testkit/wait-until.js";
import { createConnectAdapter } from "../connect-adapter/index.js";
import { registerReflection } from "../grpc-reflection/index.js";
import { createServerMetrics } from "./server-metrics.js";

/**
 * A health service with scripted answers: Check fails with NOT_FOUND for "missing" and with a
 * plain Error (which connect-es answers INTERNAL) for "boom"; Watch sends SERVING and then waits
 * for the client to leave, or, for "flaky", fails with UNAVAILABLE.
 */
function routes(router: ConnectRouter): void {
  router.service(Health, {
    check(req) {
      if (req.service === "missing") throw new ConnectError("unknown service", Code.NotFound);
      if (req.service === "boom") throw new Error("the database password is hunter2");
      return { status: S.SERVING };
    },
    async *watch(req, ctx) {
      yield { status: S.SERVING };
      if (req.service === "flaky") throw new ConnectError("gone", Code.Unavailable);
      yield { status: S.NOT_SERVING };
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    },
  });
  registerReflection(router, [Health]);
}

const registry = new Registry();
let server: http2.Http2Server;
let baseUrl: string;
const sessions = new Set<http2.ServerHttp2Session>();

before(async () => {
  const { interceptor, failureInterceptor } = createServerMetrics({ registry, services: [Health, v1.ServerReflection] });
  server = http2.createServer(createConnectAdapter({ routes, interceptors: [interceptor], failureInterceptors: [failureInterceptor] }));
  server.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const s of sessions) s.destroy();
  });
});

/** The value of one series in what /metrics would answer (undefined when it does not exist). */
async function value(name: string, labels: Record<string, string>): Promise<number | undefined> {
  return sampleValue(parsePrometheusText(await registry.metrics()), name, labels);
}

const check = { grpc_type: "unary", grpc_service: "grpc.health.v1.Health", grpc_method: "Check" };
const watch = { grpc_type: "server_stream", grpc_service: "grpc.health.v1.Health", grpc_method: "Watch" };
const reflection = { grpc_type: "bidi_stream", grpc_service: "grpc.reflection.v1.ServerReflection", grpc_method: "ServerReflectionInfo" };

describe("go-grpc-prometheus server metrics for connect-es", () => {
  it("starts every method of the given services at zero, with code OK", async () => {
    for (const labels of [check, watch, reflection]) {
      assert.equal(await value("grpc_server_started_total", labels), 0, `${labels.grpc_method} started`);
      assert.equal(await value("grpc_server_handled_total", { ...labels, grpc_code: "OK" }), 0, `${labels.grpc_method} handled OK`);
      assert.equal(await value("grpc_server_msg_received_total", labels), 0);
      assert.equal(await value("grpc_server_msg_sent_total", labels), 0);
      assert.equal(await value("grpc_server_handling_seconds_count", labels), 0);
    }
    assert.equal(await value("grpc_server_handled_total", { ...check, grpc_code: "NotFound" }), undefined, "only OK is pre-initialised");
  });

  it("counts unary calls under their method with grpc-go's code names; one message in, one out when it succeeds", async () => {
    const client = createClient(Health, createGrpcTransport({ baseUrl }));
    await client.check({ service: "" });
    await client.check({ service: "" });
    await assert.rejects(client.check({ service: "missing" }), (e: unknown) => ConnectError.from(e).code === Code.NotFound);
    await assert.rejects(client.check({ service: "boom" }), (e: unknown) => ConnectError.from(e).code === Code.Internal);

    assert.equal(await value("grpc_server_started_total", check), 4);
    assert.equal(await value("grpc_server_handled_total", { ...check, grpc_code: "OK" }), 2);
    assert.equal(await value("grpc_server_handled_total", { ...check, grpc_code: "NotFound" }), 1);
    assert.equal(await value("grpc_server_handled_total", { ...check, grpc_code: "Internal" }), 1, "a plain Error is what connect-es answers: INTERNAL");
    assert.equal(await value("grpc_server_msg_received_total", check), 4);
    assert.equal(await value("grpc_server_msg_sent_total", check), 2, "failed calls send nothing");
    assert.equal(await value("grpc_server_handling_seconds_count", check), 4);
    assert.equal(await value("grpc_server_handling_seconds_bucket", { ...check, le: "+Inf" }), 4);
  });

  it("counts each message of a server stream, and ends it CANCELED when the client leaves or with the handler's code", async () => {
    const client = createClient(Health, createGrpcTransport({ baseUrl }));
    const abort = new AbortController();
    const stream = client.watch({ service: "x" }, { signal: abort.signal })[Symbol.asyncIterator]();
    assert.equal((await stream.next()).value?.status, S.SERVING);
    assert.equal((await stream.next()).value?.status, S.NOT_SERVING);
    assert.equal(await value("grpc_server_handled_total", { ...watch, grpc_code: "Canceled" }), undefined, "still open: not handled yet");
    abort.abort();
    await assert.rejects(stream.next());
    await waitUntil("the server saw the stream end", async () => (await value("grpc_server_handled_total", { ...watch, grpc_code: "Canceled" })) === 1);

    const failed: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const m of client.watch({ service: "flaky" })) failed.push(m.status);
      })(),
      (e: unknown) => ConnectError.from(e).code === Code.Unavailable,
    );
    assert.deepEqual(failed, [S.SERVING]);
    assert.equal(await value("grpc_server_handled_total", { ...watch, grpc_code: "Unavailable" }), 1);
    assert.equal(await value("grpc_server_started_total", watch), 2);
    assert.equal(await value("grpc_server_msg_sent_total", watch), 3, "two messages on the first stream, one on the second");
    assert.equal(await value("grpc_server_msg_received_total", watch), 2, "one request each");
    assert.equal(await value("grpc_server_handling_seconds_count", watch), 2);
  });

  it("counts both directions of a bidi stream and ends it OK when the client closes its side", async () => {
    const client = createClient(v1.ServerReflection, createGrpcTransport({ baseUrl }));
    async function* requests() {
      yield { messageRequest: { case: "listServices" as const, value: "" } };
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "grpc.health.v1.Health" } };
      yield { messageRequest: { case: "listServices" as const, value: "" } };
    }
    let answers = 0;
    for await (const _ of client.serverReflectionInfo(requests())) answers++;
    assert.equal(answers, 3);
    assert.equal(await value("grpc_server_msg_received_total", reflection), 3);
    assert.equal(await value("grpc_server_msg_sent_total", reflection), 3);
    assert.equal(await value("grpc_server_handled_total", { ...reflection, grpc_code: "OK" }), 1);
  });

  it("counts a call rejected before the interceptors (an undecodable body) as started and handled with its code, no message received", async () => {
    const names = ["grpc_server_started_total", "grpc_server_msg_received_total", "grpc_server_msg_sent_total", "grpc_server_handling_seconds_count"];
    const snapshot = async () => ({
      ...Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await value(n, check)) ?? 0] as const))),
      invalid: (await value("grpc_server_handled_total", { ...check, grpc_code: "InvalidArgument" })) ?? 0,
    });
    const before = await snapshot();
    // CheckRequest.service (field 1, a string) announced as 5 bytes, with 1 sent: a truncated message.
    assert.equal(await rawGrpcCall(baseUrl, "/grpc.health.v1.Health/Check", [0x0a, 0x05, 0x61]), String(Code.InvalidArgument));
    const now = await snapshot();
    assert.deepEqual(Object.fromEntries(Object.keys(now).map((k) => [k, now[k as keyof typeof now] - before[k as keyof typeof before]])), {
      grpc_server_started_total: 1,
      grpc_server_msg_received_total: 0,
      grpc_server_msg_sent_total: 0,
      grpc_server_handling_seconds_count: 1,
      invalid: 1,
    });
  });

  it("labels by type, service, method and code only: the text format carries no request data", async () => {
    const text = await registry.metrics();
    assert.doesNotMatch(text, /hunter2|missing|flaky|127\.0\.0\.1/);
    for (const line of text.split("\n").filter((l) => l.startsWith("grpc_server_handled_total{"))) {
      assert.match(line, /^grpc_server_handled_total\{grpc_type="[a-z_]+",grpc_service="[\w.]+",grpc_method="\w+",grpc_code="[A-Za-z]+"\} \d+$/);
    }
  });
});
