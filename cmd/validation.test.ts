import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { BookingService, Gender } from "../gen/spacet/v1/booking_pb.js";
import type { Destination } from "../gen/spacet/v1/launch_pb.js";
import { PADS } from "../internal/testkit/launch-fixtures.js";
import { withAdmin } from "../internal/testkit/postgres.js";
import { useServiceProcess } from "../internal/testkit/service-under-test.js";

// One seat per launch, so the second booking of a day finds it full.
const sut = useServiceProcess({ LAUNCH_CAPACITY: "1" });

/** A request wrong in four ways: a name of digits, a birthday to come, a launch day gone, and (per face) a destination that does not exist. */
const wrong = { firstName: "1234", lastName: "Lovelace", birthday: "2999-01-01", launchpadId: PADS.cape, launchDate: "2020-01-01" };

interface RestAnswer {
  code: number;
  message: string;
  details: {
    "@type": string;
    reason?: string;
    metadata?: Record<string, string>;
    violations?: { field: { elements: { fieldName: string }[] }; ruleId: string }[];
  }[];
}

/** An error's answer, or a booking's (`booking`). */
type RestBody = RestAnswer & { booking?: { launchId: string } };

const post = async (body: unknown): Promise<{ status: number; body: RestBody }> => {
  const res = await fetch(`${sut.service.httpUrl}/v1/bookings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as RestBody };
};
const restFields = (a: RestAnswer) =>
  a.details
    .flatMap((d) => d.violations ?? [])
    .map((v) => v.field.elements[0].fieldName)
    .sort();
const grpc = () => createClient(BookingService, createGrpcTransport({ baseUrl: sut.service.grpcUrl }));
const rows = () => withAdmin(sut.db.dsn, async (c) => (await c.query<{ n: number }>("select count(*)::int as n from bookings")).rows[0].n);

describe("validation reports every problem of a request at once", () => {
  it("over REST: a bad first name, a future birthday, a past launch date and an unknown destination are one 400 naming all four", async () => {
    const answer = await post({ ...wrong, gender: "female", destination: "narnia" });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.code, 3);
    assert.deepEqual(restFields(answer.body), ["birthday", "destination", "first_name", "launch_date"]);
    assert.match(answer.body.message, /and 3 more violations$/);
    assert.equal(await rows(), 0);
  });

  it("over gRPC, with an enum number the API does not define", async () => {
    const err = await grpc()
      .createBooking({ ...wrong, gender: Gender.FEMALE, destination: 99 as Destination })
      .then(
        () => assert.fail("expected INVALID_ARGUMENT"),
        (e: unknown) => ConnectError.from(e),
      );
    assert.equal(err.code, Code.InvalidArgument);
    const fields = err.findDetails(ViolationsSchema).flatMap((d) => d.violations.map((v) => v.field?.elements[0].fieldName));
    assert.deepEqual(fields.sort(), ["birthday", "destination", "first_name", "launch_date"]);
  });

  it("when only the domain's rules fail, the pad's launch-date rule is in the same answer", async () => {
    const answer = await post({ ...wrong, gender: "female", destination: "mars" });
    assert.equal(answer.status, 400);
    assert.deepEqual(restFields(answer.body), ["birthday", "first_name", "launch_date"]);
    const dateRule = answer.body.details.flatMap((d) => d.violations ?? []).find((v) => v.field.elements[0].fieldName === "launch_date");
    assert.equal(dateRule?.ruleId, "date.future", "judged in the pad's zone");
  });
});

describe("a full launch", () => {
  it("is FAILED_PRECONDITION LAUNCH_FULL (HTTP 400), not RESOURCE_EXHAUSTED, naming the launch and its capacity", async () => {
    const seat = {
      firstName: "Ada",
      lastName: "Lovelace",
      gender: "female",
      birthday: "1990-12-10",
      launchpadId: PADS.kennedy,
      destination: "mars",
      launchDate: "2049-08-02",
    };
    const first = await post(seat);
    assert.equal(first.status, 200);
    const full = await post({ ...seat, firstName: "Grace" });
    assert.equal(full.status, 400, JSON.stringify(full.body));
    assert.equal(full.body.code, Code.FailedPrecondition);
    const info = full.body.details.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo");
    assert.equal(info?.reason, "LAUNCH_FULL");
    assert.deepEqual(info?.metadata, { launch_id: first.body.booking?.launchId, capacity: "1" });
  });
});
