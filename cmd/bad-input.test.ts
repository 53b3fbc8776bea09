import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import pg from "pg";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import { Destination } from "../gen/spacet/v1/launch_pb.js";
import { bearer, mintTestToken } from "../internal/testkit/auth.js";
import { createPageTokenCodec } from "../pkg/page-token/page-token.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { TEST_PAGE_TOKEN_SECRET } from "../internal/testkit/page-tokens.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

const sut = useServiceProcess();
/** ListBookings is operator-only: its bad input is checked once the caller may call it. */
let asOperator: { headers: { authorization: string } };
before(async () => {
  asOperator = { headers: bearer(await mintTestToken({ role: "operator" })) };
});

const valid = {
  firstName: "Ada",
  lastName: "Lovelace",
  gender: "GENDER_FEMALE",
  birthday: "1990-12-10",
  launchpadId: PADS.cape,
  destination: "DESTINATION_MARS",
  launchDate: "2049-08-01",
};

async function rowCount(): Promise<number> {
  const client = new pg.Client({ connectionString: sut.db.dsn });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "select (select count(*) from bookings) + (select count(*) from launches) + (select count(*) from outbox) as n",
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

interface RestError {
  code: number;
  message: string;
  details: { "@type": string; violations?: { field?: { elements: { fieldName: string }[] }; ruleId: string }[] }[];
}

/** Sends a request and checks the 400 INVALID_ARGUMENT shape; returns the violated field names. */
async function expect400(path: string, init: RequestInit): Promise<{ body: RestError; fields: string[] }> {
  const res = await fetch(`${sut.service.httpUrl}${path}`, init);
  const text = await res.text();
  assert.equal(res.status, 400, `${init.method ?? "GET"} ${path}: ${text}`);
  const body = JSON.parse(text) as RestError;
  assert.equal(body.code, 3);
  assert.ok(body.message.length > 0);
  assert.doesNotMatch(body.message, /at .*\.ts:\d+|node_modules|select |insert /i, "no internals in the message");
  const fields = body.details.flatMap((d) => d.violations ?? []).map((v) => v.field?.elements.map((e) => e.fieldName).join(".") ?? "");
  return { body, fields };
}

const postJson = (body: string) => ({ method: "POST", headers: { "content-type": "application/json" }, body });

describe("bad input gets INVALID_ARGUMENT with field details and changes nothing", () => {
  it("over REST", async () => {
    const before = await rowCount();
    const cases: [string, string, string | undefined][] = [
      ["unknown field", JSON.stringify({ ...valid, seat: "12A" }), "seat"],
      ["wrong type", JSON.stringify({ ...valid, firstName: 42 }), "first_name"],
      ["malformed JSON", '{"firstName": "Ada",', undefined],
      ["not an object", "[1,2,3]", undefined],
      ["nonexistent date", JSON.stringify({ ...valid, launchDate: "2049-02-30" }), "launch_date"],
      ["nonexistent birthday", JSON.stringify({ ...valid, birthday: "1990-02-30" }), "birthday"],
      ["wrong date format", JSON.stringify({ ...valid, launchDate: "01/08/2049" }), "launch_date"],
      ["missing required fields", "{}", "first_name"],
      ["unknown enum name", JSON.stringify({ ...valid, gender: "robot" }), "gender"],
      ["bad request_id", JSON.stringify({ ...valid, requestId: "not-a-uuid" }), "request_id"],
      ["name of digits", JSON.stringify({ ...valid, firstName: "1234" }), "first_name"],
    ];
    for (const [name, body, field] of cases) {
      const { body: err, fields } = await expect400("/v1/bookings", postJson(body));
      if (field) assert.ok(fields.includes(field) || err.message.includes(field), `${name}: expected a violation on ${field}, got ${JSON.stringify(err)}`);
    }
    const huge = JSON.stringify({ ...valid, firstName: "A".repeat(3 * 1024 * 1024) });
    const { body } = await expect400("/v1/bookings", postJson(huge));
    assert.match(body.message, /bytes|large|limit/i);
    assert.equal(await rowCount(), before, "nothing was written");
  });

  it("over REST for list parameters and page tokens", async () => {
    await expect400("/v1/bookings?pageSize=abc", asOperator);
    await expect400("/v1/bookings?pageSize=-1", asOperator);
    await expect400("/v1/bookings?fromLaunchDate=2049-02-30", asOperator);
    await expect400("/v1/bookings?colour=red", asOperator);
    const { fields } = await expect400("/v1/bookings?pageToken=dGFtcGVyZWQ.AAAAAAAAAAAAAAAAAAAAAA", asOperator);
    assert.deepEqual(fields, ["page_token"]);

    // A real token only works with the filters it was issued for.
    const res = await fetch(`${sut.service.httpUrl}/v1/bookings?pageSize=1`, asOperator);
    const createMany = [1, 2].map((i) =>
      fetch(`${sut.service.httpUrl}/v1/bookings`, postJson(JSON.stringify({ ...valid, firstName: `P${"ab"[i - 1]}`, launchDate: "2049-08-10" }))),
    );
    await Promise.all(createMany);
    assert.equal(res.status, 200);
    const page1 = (await (await fetch(`${sut.service.httpUrl}/v1/bookings?pageSize=1`, asOperator)).json()) as { nextPageToken: string };
    assert.ok(page1.nextPageToken);
    await expect400(`/v1/bookings?pageSize=1&status=cancelled&pageToken=${encodeURIComponent(page1.nextPageToken)}`, asOperator);
    const tampered = page1.nextPageToken.replace(/^./, (c) => (c === "e" ? "f" : "e"));
    await expect400(`/v1/bookings?pageSize=1&pageToken=${encodeURIComponent(tampered)}`, asOperator);
  });

  it("refuses page tokens signed with the real key whose cursors are not real ones (a leaked key is no way into SQL)", async () => {
    const codec = createPageTokenCodec(TEST_PAGE_TOKEN_SECRET);
    // The scopes the handlers bind tokens to when no filter is set.
    const forged: [string, string][] = [
      ["/v1/bookings", codec.encode("9999999999999999999", JSON.stringify(["bookings", {}]))],
      ["/v1/bookings", codec.encode("-1", JSON.stringify(["bookings", {}]))],
      ["/v1/launches", codec.encode(JSON.stringify(["2049-02-30", "spacet", "00000000-0000-4000-8000-000000000000"]), JSON.stringify(["launches", {}]))],
      ["/v1/launches", codec.encode(JSON.stringify(["9999-99-99", "spacex", "5eb87cd9ffd86e000604b32a"]), JSON.stringify(["launches", {}]))],
      ["/v1/launches", codec.encode(JSON.stringify(["2049-02-01", "spacex", "a\u0000b"]), JSON.stringify(["launches", {}]))],
      ["/v1/launches", codec.encode(JSON.stringify(["2049-02-01", "spacet", "not-a-uuid"]), JSON.stringify(["launches", {}]))],
    ];
    for (const [path, token] of forged) {
      const { fields } = await expect400(`${path}?pageToken=${encodeURIComponent(token)}`, asOperator);
      assert.deepEqual(fields, ["page_token"], `${path} ${Buffer.from(token.split(".")[0], "base64url").toString()}`);
    }
    // The same key's genuine tokens still work.
    const genuine = codec.encode(JSON.stringify(["2049-02-01", "spacex", "5eb87cd9ffd86e000604b32a"]), JSON.stringify(["launches", {}]));
    assert.equal((await fetch(`${sut.service.httpUrl}/v1/launches?pageToken=${encodeURIComponent(genuine)}`)).status, 200);
  });

  it("over gRPC", async () => {
    const client = createClient(BookingService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
    const before = await rowCount();
    const request = {
      firstName: "Ada",
      lastName: "Lovelace",
      gender: Gender.FEMALE,
      birthday: "1990-12-10",
      launchpadId: PADS.cape,
      destination: Destination.MARS,
      launchDate: "2049-02-30",
    };
    const fieldsOf = async (p: Promise<unknown>) => {
      const err = ConnectError.from(
        await p.then(
          () => assert.fail("expected an error"),
          (e: unknown) => e,
        ),
      );
      assert.equal(err.code, Code.InvalidArgument, err.message);
      return err.findDetails(ViolationsSchema).flatMap((v) => v.violations.map((x) => x.field?.elements.map((e) => e.fieldName).join(".")));
    };
    assert.deepEqual(await fieldsOf(client.createBooking(request)), ["launch_date"]);
    assert.deepEqual(await fieldsOf(client.createBooking({ ...request, launchDate: "2049-08-02", gender: 99 as Gender })), ["gender"]);
    assert.deepEqual(await fieldsOf(client.listBookings({ pageToken: "forged" }, asOperator)), ["page_token"]);
    assert.deepEqual(await fieldsOf(client.getBooking({ ticketId: "nope" })), ["ticket_id"]);
    assert.equal(await rowCount(), before);
  });
});
