import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CloseReason, FlightStatus, OperationalStatus } from "./flight.js";
import { isFinal } from "./final-state.js";

const STATUSES: OperationalStatus[] = ["scheduled", "on_time", "delayed", "boarding", "departed", "arrived"];
const COMMERCIAL: [FlightStatus, CloseReason | undefined][] = [
  ["open", undefined],
  ["closed", "sold_out"],
  ["closed", "offer_expired"],
  ["closed", "departed"],
  ["cancelled", undefined],
];

const FINAL = new Set(["*/arrived", ...STATUSES.map((s) => `cancelled/${s}`)]);

describe("isFinal", () => {
  for (const operationalStatus of STATUSES) {
    for (const [status, closeReason] of COMMERCIAL) {
      // Final: every cancelled flight, and every ARRIVED one (open, closed of any reason).
      const final = FINAL.has(`${status}/${operationalStatus}`) || FINAL.has(`*/${operationalStatus}`);
      it(`says ${final ? "final" : "not final"} for ${status}${closeReason ? `/${closeReason}` : ""} ${operationalStatus}`, () => {
        assert.equal(isFinal({ status, operationalStatus }), final);
      });
    }
  }
});
