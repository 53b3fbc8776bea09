import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Gender } from "../../gen/spacet/v1/booking_pb.js";
import { Destination } from "../../gen/spacet/v1/launch_pb.js";
import { LaunchpadStatus } from "../../gen/spacet/v1/launchpad_pb.js";
import { fromProtoEnum, toProtoEnum } from "./proto-enum.js";

describe("proto enums by naming convention", () => {
  it("maps words to values", () => {
    assert.equal(toProtoEnum(Destination, "asteroid_belt"), Destination.ASTEROID_BELT);
    assert.equal(toProtoEnum(LaunchpadStatus, "under construction"), LaunchpadStatus.UNDER_CONSTRUCTION);
    assert.equal(toProtoEnum(Gender, "non_binary"), Gender.NON_BINARY);
  });
  it("maps values back to words and UNSPECIFIED to undefined", () => {
    assert.equal(fromProtoEnum(Destination, Destination.GANYMEDE), "ganymede");
    assert.equal(fromProtoEnum(Destination, Destination.UNSPECIFIED), undefined);
    assert.equal(fromProtoEnum(Destination, 99), undefined);
  });
  it("refuses words the enum does not have", () => {
    assert.throws(() => toProtoEnum(Destination, "venus"), /no enum value for "venus"/);
  });
});
