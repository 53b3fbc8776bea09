import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { create, createFileRegistry, fromBinary, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, timestampFromDate, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { Code, createClient, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { BookingSchema, BookingService } from "../../gen/spacet/v1/booking_pb.js";
import { registerReflection } from "./register-reflection.js";

const run = promisify(execFile);
const BUF = fileURLToPath(new URL("../../node_modules/.bin/buf", import.meta.url));

/** BookingService is listed explicitly; Health is only registered on the router. */
function routes(router: ConnectRouter): void {
  router.service(BookingService, {
    getBooking: (req) => ({ booking: create(BookingSchema, { ticketId: req.ticketId, createTime: timestampFromDate(new Date(0)) }) }),
  });
  router.service(Health, { check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) });
  registerReflection(router, [BookingService]);
}

function transitiveNames(file: DescFile, out = new Set<string>()): Set<string> {
  if (out.has(file.proto.name)) return out;
  out.add(file.proto.name);
  file.dependencies.forEach((d) => transitiveNames(d, out));
  return out;
}

describe("grpc reflection", () => {
  let server: http2.Http2Server;
  let url: string;
  const sessions = new Set<http2.ServerHttp2Session>();

  before(async () => {
    server = http2.createServer(connectNodeAdapter({ routes }));
    server.on("session", (s) => {
      sessions.add(s);
      s.once("close", () => sessions.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  );

  /** Sends requests on one v1 stream and collects the answers. */
  async function ask(requests: v1.ServerReflectionRequest["messageRequest"][]): Promise<v1.ServerReflectionResponse[]> {
    const client = createClient(v1.ServerReflection, createGrpcTransport({ baseUrl: url }));
    const out: v1.ServerReflectionResponse[] = [];
    const input = (async function* () {
      for (const messageRequest of requests) yield create(v1.ServerReflectionRequestSchema, { host: "h", messageRequest });
    })();
    for await (const res of client.serverReflectionInfo(input)) out.push(res);
    return out;
  }

  const fileNames = (res: v1.ServerReflectionResponse): string[] => {
    assert.equal(res.messageResponse.case, "fileDescriptorResponse", JSON.stringify(res.messageResponse.value));
    return (res.messageResponse.value as v1.FileDescriptorResponse).fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b).name);
  };

  it("lists explicit services, services registered on the router, and itself", async () => {
    const [res] = await ask([{ case: "listServices", value: "" }]);
    assert.equal(res.validHost, "h");
    assert.equal(res.originalRequest?.messageRequest.case, "listServices");
    assert.deepEqual(
      (res.messageResponse.value as v1.ListServiceResponse).service.map((s) => s.name),
      ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "spacet.v1.BookingService"],
    );
  });

  it("answers a file with all its transitive imports, enough to rebuild the schema", async () => {
    const [res] = await ask([{ case: "fileByFilename", value: "spacet/v1/booking.proto" }]);
    const names = fileNames(res);
    assert.equal(names[0], "spacet/v1/booking.proto", "the requested file comes first");
    assert.deepEqual(new Set(names), transitiveNames(BookingService.file));
    for (const wkt of ["google/protobuf/timestamp.proto", "google/protobuf/descriptor.proto", "buf/validate/validate.proto", "google/api/http.proto"]) {
      assert.ok(names.includes(wkt), `${wkt} is included`);
    }
    const protos = (res.messageResponse.value as v1.FileDescriptorResponse).fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b));
    // Imports before importers, as a FileDescriptorSet must be ordered.
    const byName = new Map(protos.map((p) => [p.name, p]));
    const ordered: FileDescriptorProto[] = [];
    const visit = (name: string): void => {
      const proto = byName.get(name);
      assert.ok(proto, `${name} is in the response`);
      if (ordered.includes(proto)) return;
      proto.dependency.forEach(visit);
      ordered.push(proto);
    };
    visit("spacet/v1/booking.proto");
    const rebuilt = createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
    assert.deepEqual(
      rebuilt.getService("spacet.v1.BookingService")?.methods.map((m) => m.name),
      ["CreateBooking", "GetBooking", "ListBookings", "CancelBooking"],
    );
  });

  it("sends each import once per stream, but always the requested file", async () => {
    const [first, second] = await ask([
      { case: "fileByFilename", value: "spacet/v1/booking.proto" },
      { case: "fileContainingSymbol", value: "google.protobuf.Timestamp" },
    ]);
    assert.ok(fileNames(first).length > 5);
    assert.deepEqual(fileNames(second), ["google/protobuf/timestamp.proto"]);
  });

  const symbols: [string, string][] = [
    ["spacet.v1.BookingService", "spacet/v1/booking.proto"],
    ["spacet.v1.BookingService.CreateBooking", "spacet/v1/booking.proto"],
    ["spacet.v1.Booking", "spacet/v1/booking.proto"],
    ["spacet.v1.Booking.ticket_id", "spacet/v1/booking.proto"],
    ["spacet.v1.Gender", "spacet/v1/booking.proto"],
    ["spacet.v1.Destination", "spacet/v1/launch.proto"],
    ["grpc.health.v1.Health", "grpc/health/v1/health.proto"],
    ["google.protobuf.Timestamp", "google/protobuf/timestamp.proto"],
    ["buf.validate.Violations", "buf/validate/validate.proto"],
  ];
  for (const [symbol, file] of symbols) {
    it(`finds the file declaring ${symbol}`, async () => {
      const [res] = await ask([{ case: "fileContainingSymbol", value: symbol }]);
      assert.equal(fileNames(res)[0], file);
    });
  }

  it("answers extension lookups", async () => {
    const [byNumber, numbers] = await ask([
      {
        case: "fileContainingExtension",
        value: create(v1.ExtensionRequestSchema, { containingType: "google.protobuf.MethodOptions", extensionNumber: 72295728 }),
      },
      { case: "allExtensionNumbersOfType", value: "google.protobuf.FieldOptions" },
    ]);
    assert.equal(fileNames(byNumber)[0], "google/api/annotations.proto");
    assert.equal(numbers.messageResponse.case, "allExtensionNumbersResponse");
    assert.ok((numbers.messageResponse.value as v1.ExtensionNumberResponse).extensionNumber.includes(1159), "buf.validate.field");
  });

  it("answers NOT_FOUND errors in-stream and keeps the stream open", async () => {
    const answers = await ask([
      { case: "fileByFilename", value: "nope.proto" },
      { case: "fileContainingSymbol", value: "nope.v1.Nothing" },
      { case: "fileContainingExtension", value: create(v1.ExtensionRequestSchema, { containingType: "google.protobuf.MethodOptions", extensionNumber: 1 }) },
      { case: "allExtensionNumbersOfType", value: "nope.v1.Nothing" },
      { case: undefined },
      { case: "listServices", value: "" },
    ]);
    assert.deepEqual(
      answers.map((a) => (a.messageResponse.case === "errorResponse" ? a.messageResponse.value.errorCode : a.messageResponse.case)),
      [Code.NotFound, Code.NotFound, Code.NotFound, Code.NotFound, Code.InvalidArgument, "listServicesResponse"],
    );
  });

  it("serves v1alpha", async () => {
    const client = createClient(v1alpha.ServerReflection, createGrpcTransport({ baseUrl: url }));
    const input = (async function* () {
      yield create(v1alpha.ServerReflectionRequestSchema, { messageRequest: { case: "fileContainingSymbol", value: "spacet.v1.BookingService" } });
    })();
    const answers: v1alpha.ServerReflectionResponse[] = [];
    for await (const res of client.serverReflectionInfo(input)) answers.push(res);
    assert.equal(answers[0].messageResponse.case, "fileDescriptorResponse");
    assert.equal(answers[0].originalRequest?.messageRequest.value, "spacet.v1.BookingService");
  });

  it("lets buf curl list services and methods and call an RPC through reflection (v1 and v1alpha)", async () => {
    const base = ["curl", "--protocol", "grpc", "--http2-prior-knowledge"];
    const services = await run(BUF, [...base, "--list-services", url]);
    assert.deepEqual(services.stdout.trim().split("\n"), [
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "spacet.v1.BookingService",
    ]);
    const methods = await run(BUF, [...base, "--list-methods", url]);
    assert.ok(methods.stdout.includes("spacet.v1.BookingService/CreateBooking"));
    const id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    for (const reflectProtocol of ["grpc-v1", "grpc-v1alpha"]) {
      const call = await run(BUF, [
        ...base,
        "--reflect-protocol",
        reflectProtocol,
        "-d",
        JSON.stringify({ ticketId: id }),
        `${url}/spacet.v1.BookingService/GetBooking`,
      ]);
      assert.deepEqual(JSON.parse(call.stdout), { booking: { ticketId: id, createTime: "1970-01-01T00:00:00Z" } });
    }
  });
});
