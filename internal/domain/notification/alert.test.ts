import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CalendarDate } from "../calendar-date.js";
import { type Alert, alertStatus, alertWhen, earliestLocalDate } from "./alert.js";

const at = (iso: string) => new Date(iso);
const request = { origin: "EZE", destination: "MAD", webhookUrl: "https://hooks.example.com/" };

describe("alert dates", () => {
  it("a date is over only once it is over in the last time zone (UTC-12)", () => {
    assert.equal(earliestLocalDate(at("2049-06-02T11:59:00Z")), "2049-06-01");
    assert.equal(earliestLocalDate(at("2049-06-02T12:00:00Z")), "2049-06-02");
  });

  it("a month matches up to its last day, leap years included", () => {
    assert.equal(alertWhen({ ...request, month: { year: 2048, month: 2 } }, at("2048-01-01T00:00:00Z")).lastDate, "2048-02-29");
    assert.equal(alertWhen({ ...request, month: { year: 2049, month: 12 } }, at("2049-01-01T00:00:00Z")).lastDate, "2049-12-31");
  });

  it("refuses a date or month already over, and a date that does not exist, naming the field", () => {
    const now = at("2049-06-10T00:00:00Z");
    for (const [req, field] of [
      [{ ...request, date: "2049-06-08" }, "departure_date"],
      [{ ...request, date: "2049-02-30" }, "departure_date"],
      [{ ...request, month: { year: 2049, month: 5 } }, "departure_month"],
    ] as const) {
      assert.throws(
        () => alertWhen(req, now),
        (e: { kind: string; violations: { field: string }[] }) => e.kind === "invalid" && e.violations[0].field === field,
      );
    }
    assert.equal(alertWhen({ ...request, month: { year: 2049, month: 6 } }, now).lastDate, "2049-06-30", "the current month still matches");
  });

  it("is active until its last date is over everywhere, then expired; disabled wins", () => {
    const alert: Alert = {
      id: "a",
      userId: "u",
      origin: "EZE",
      destination: "MAD",
      when: { date: "2049-06-01" as CalendarDate },
      lastDate: "2049-06-01" as CalendarDate,
      webhookUrl: request.webhookUrl,
      createdAt: at("2049-01-01T00:00:00Z"),
      disabledAt: undefined,
    };
    assert.equal(alertStatus(alert, at("2049-06-02T11:00:00Z")), "active");
    assert.equal(alertStatus(alert, at("2049-06-02T13:00:00Z")), "expired");
    assert.equal(alertStatus({ ...alert, disabledAt: at("2049-02-01T00:00:00Z") }, at("2049-03-01T00:00:00Z")), "disabled");
  });
});
