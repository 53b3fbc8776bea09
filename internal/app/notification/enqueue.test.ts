import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "kysely";
import type { Flight } from "../../domain/flight/flight.js";
import type { Principal } from "../../domain/identity/principal.js";
import { flightPlan, insertUser } from "../../testkit/flight-fixtures.js";
import { waitUntil } from "../../testkit/wait-until.js";
import { useNotificationUseCases } from "./testdata/notification-use-cases.js";

const ctx = useNotificationUseCases();
const HOOK = "http://127.0.0.1:9/hook";

/** The deliveries enqueued for a flight: type, target and the parsed body. */
async function deliveries(flightId: string) {
  const rows = await ctx.handle.db
    .selectFrom("webhook_deliveries")
    .select(["event_type", "alert_id", "subscription_id", "body", "status"])
    .where("flight_id", "=", flightId)
    .orderBy("seq")
    .execute();
  return rows.map((r) => ({
    type: r.event_type,
    target: r.alert_id ?? r.subscription_id,
    status: r.status,
    body: JSON.parse(r.body) as Record<string, unknown>,
  }));
}

const monthOf = (date: string) => ({ year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) });

async function subscribers(flight: Flight, n: number): Promise<{ user: Principal; subscriptionId: string }[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const user = await insertUser(ctx.handle.db);
      const { subscription } = await ctx.notifications.subscribe(user, { flightId: flight.id, webhookUrl: HOOK });
      return { user, subscriptionId: subscription.id };
    }),
  );
}

describe("deliveries are enqueued in the flight change's transaction", () => {
  it("gives each matching alert exactly one flight.created per new flight, by date or by month", async () => {
    const user = await insertUser(ctx.handle.db);
    const plan = flightPlan({ origin: "AEP", destination: "COR" });
    const date = new Date(plan.departureTime.getTime() - 3 * 3_600_000).toISOString().slice(0, 10);
    // The local date at the origin (Buenos Aires is UTC-3) is what alerts match.
    const localDate = new Intl.DateTimeFormat("en-CA", { timeZone: plan.originTimeZone }).format(plan.departureTime);
    assert.equal(localDate, date);
    const byDate = await ctx.notifications.createAlert(user, { origin: "AEP", destination: "COR", date: localDate, webhookUrl: HOOK });
    const byMonth = await ctx.notifications.createAlert(user, { origin: "AEP", destination: "COR", month: monthOf(localDate), webhookUrl: HOOK });
    const otherDay = new Date(plan.departureTime.getTime() + 5 * 86_400_000).toISOString().slice(0, 10);
    await ctx.notifications.createAlert(user, { origin: "AEP", destination: "COR", date: otherDay, webhookUrl: HOOK });
    await ctx.notifications.createAlert(user, { origin: "COR", destination: "AEP", date: localDate, webhookUrl: HOOK });
    const deleted = await ctx.notifications.createAlert(user, { origin: "AEP", destination: "COR", date: localDate, webhookUrl: HOOK });
    await ctx.notifications.deleteAlert(user, deleted.alert.id);

    const flight = await ctx.uc.createFlight(plan);
    const got = await deliveries(flight.id);
    assert.deepEqual(
      got.map((d) => [d.type, d.target]).sort(),
      [
        ["flight.created", byDate.alert.id],
        ["flight.created", byMonth.alert.id],
      ].sort(),
    );
    const data = got[0].body.data as Record<string, unknown>;
    assert.deepEqual([got[0].body.type, data.flightId, data.origin, data.departureDate], ["flight.created", flight.id, "AEP", localDate]);
    assert.ok(typeof got[0].body.timestamp === "string");

    const second = await ctx.uc.createFlight(
      flightPlan({ origin: "AEP", destination: "COR", departureTime: plan.departureTime, arrivalTime: plan.arrivalTime }),
    );
    assert.equal((await deliveries(second.id)).length, 2, "each new flight fires the alerts again, once each");
  });

  it("notifies every subscriber once when the last seat sells (flight.closed), and not for bookings that leave seats", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ capacity: { window: 2, aisle: 0, middle: 0 } }));
    const subs = await subscribers(flight, 3);
    await ctx.uc.bookFlight(subs[0].user, { flightId: flight.id, seats: [{ seatClass: "window", count: 1 }], requestId: undefined });
    assert.deepEqual(await deliveries(flight.id), []);
    await ctx.uc.bookFlight(subs[1].user, { flightId: flight.id, seats: [{ seatClass: "window", count: 1 }], requestId: undefined });
    const got = await deliveries(flight.id);
    assert.deepEqual(
      got.map((d) => d.type),
      ["flight.closed", "flight.closed", "flight.closed"],
    );
    assert.deepEqual(got.map((d) => d.target).sort(), subs.map((s) => s.subscriptionId).sort());
    assert.equal((got[0].body.data as Record<string, unknown>).closeReason, "FLIGHT_CLOSE_REASON_SOLD_OUT");
    // A booking does not unsubscribe.
    const live = await ctx.handle.db.selectFrom("flight_subscriptions").select("id").where("flight_id", "=", flight.id).where("ended_at", "is", null).execute();
    assert.equal(live.length, 3);
  });

  it("notifies on offer expiry, status change and cancellation, and ends the subscriptions on cancellation", async () => {
    const flight = await ctx.uc.createFlight(flightPlan({ offerDurationMs: 300 }));
    const subs = await subscribers(flight, 2);
    await waitUntil("the offer ended by the database clock", async () => {
      const { rows } = await sql<{ ended: boolean }>`select clock_timestamp() >= ${flight.offerExpiresAt}::timestamptz as ended`.execute(ctx.handle.db);
      return rows[0].ended;
    });
    await ctx.uc.closeExpiredFlights();
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "delayed" });
    await ctx.uc.cancelFlight(flight.id);
    const got = await deliveries(flight.id);
    for (const s of subs) {
      assert.deepEqual(
        got.filter((d) => d.target === s.subscriptionId).map((d) => d.type),
        ["flight.closed", "flight.status_changed", "flight.cancelled"],
      );
    }
    const ended = await ctx.handle.db.selectFrom("flight_subscriptions").select(["ended_reason"]).where("flight_id", "=", flight.id).execute();
    assert.deepEqual(
      ended.map((e) => e.ended_reason),
      ["flight_cancelled", "flight_cancelled"],
    );
    await assert.rejects(ctx.notifications.subscribe(subs[0].user, { flightId: flight.id, webhookUrl: HOOK }), { reason: "FLIGHT_ENDED" });
  });

  it("boarding closes the offer: one flight.status_changed and one flight.closed per subscriber", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    const [sub] = await subscribers(flight, 1);
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "on_time" });
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "boarding" });
    assert.deepEqual(
      (await deliveries(flight.id)).filter((d) => d.target === sub.subscriptionId).map((d) => d.type),
      ["flight.status_changed", "flight.status_changed", "flight.closed"],
    );
  });

  it("a second subscription is ALREADY_EXISTS; after Unsubscribe the user may subscribe again, and pending deliveries are cancelled", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    const [sub] = await subscribers(flight, 1);
    await assert.rejects(ctx.notifications.subscribe(sub.user, { flightId: flight.id, webhookUrl: HOOK }), {
      kind: "already_exists",
      reason: "SUBSCRIPTION_EXISTS",
    });
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "delayed" });
    await ctx.notifications.unsubscribe(sub.user, { flightId: flight.id, userId: sub.user.userId });
    assert.deepEqual(
      (await deliveries(flight.id)).map((d) => d.status),
      ["cancelled"],
    );
    await ctx.uc.updateFlightStatus({ flightId: flight.id, operationalStatus: "on_time" });
    assert.equal((await deliveries(flight.id)).length, 1, "an ended subscription hears nothing more");
    await ctx.notifications.subscribe(sub.user, { flightId: flight.id, webhookUrl: HOOK });
  });

  it("of racing Subscribes by one user to one flight, exactly one wins; the others are ALREADY_EXISTS", async () => {
    const flight = await ctx.uc.createFlight(flightPlan());
    const user = await insertUser(ctx.handle.db);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => ctx.notifications.subscribe(user, { flightId: flight.id, webhookUrl: HOOK })));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of results) if (r.status === "rejected") assert.equal((r.reason as { reason: string }).reason, "SUBSCRIPTION_EXISTS");
  });

  it("refuses an unknown flight, a bad URL and a past date, writing nothing", async () => {
    const user = await insertUser(ctx.handle.db);
    const count = async () =>
      (await sql<{ n: number }>`select (select count(*) from alerts) + (select count(*) from flight_subscriptions) as n`.execute(ctx.handle.db)).rows[0].n;
    const before = await count();
    await assert.rejects(ctx.notifications.subscribe(user, { flightId: "00000000-0000-4000-8000-000000000000", webhookUrl: HOOK }), {
      kind: "not_found",
      reason: "FLIGHT_NOT_FOUND",
    });
    for (const webhookUrl of [
      "ftp://example.com/x",
      "https://user:pw@example.com/",
      "not a url",
      "https://10.1.2.3/hook",
      "https://[::1]/hook",
      "https://169.254.169.254/latest",
    ]) {
      await assert.rejects(
        ctx.notifications.createAlert(user, { origin: "EZE", destination: "MAD", date: "2999-01-01", webhookUrl }),
        { kind: "invalid" },
        webhookUrl,
      );
    }
    await assert.rejects(
      ctx.notifications.createAlert(user, { origin: "EZE", destination: "MAD", date: "2000-01-01", webhookUrl: HOOK }),
      (e: { violations: { field: string }[] }) => {
        assert.equal(e.violations[0].field, "departure_date");
        return true;
      },
    );
    await assert.rejects(ctx.notifications.createAlert(user, { origin: "EZE", destination: "MAD", date: "2999-02-30", webhookUrl: HOOK }), { kind: "invalid" });
    assert.equal(await count(), before);
  });
});
