import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { createValidateInterceptor } from "@connectrpc/validate";
import { ErrorInfoSchema } from "../../../gen/google/rpc/error_details_pb.js";
import { BookingSchema, BookingService, BookingStatus, CancellationReason, type Booking, type ListBookingsRequest } from "../../../gen/spacet/v1/booking_pb.js";
import { createHttpTranscoder, type HttpTranscoderOptions } from "../http-transcoder.js";
import { serveWithTranscoder } from "./serve.js";

/*
 * Test harness for the transcoder tests: a fake spacet.v1.BookingService and a helper that
 * calls it over REST with fetch.
 */

/** In-memory fake of spacet.v1.BookingService that records what the transcoder handed it. */
export function createFakeBookings() {
  const bookings = new Map<string, Booking>();
  const seen = { headers: new Headers(), list: undefined as ListBookingsRequest | undefined };
  let onSlowStart: () => void = () => {};
  let onSlowAbort: () => void = () => {};
  const slowStarted = new Promise<void>((resolve) => (onSlowStart = resolve));
  const slowAborted = new Promise<void>((resolve) => (onSlowAbort = resolve));
  const routes = (router: ConnectRouter) =>
    router.service(BookingService, {
      async createBooking(req, ctx) {
        seen.headers = ctx.requestHeader;
        const code = ctx.requestHeader.get("x-test-code");
        if (code) {
          throw new ConnectError("db dsn postgres://admin:hunter2@db is down", Number(code) as Code, undefined, [
            { desc: ErrorInfoSchema, value: { reason: "TEST_REASON", domain: "spacet.test" } },
          ]);
        }
        if (req.firstName === "Explode") throw new Error("secret stack detail");
        if (req.firstName === "Slow") {
          onSlowStart();
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
          onSlowAbort();
          throw new ConnectError("aborted", Code.Canceled);
        }
        const { firstName, lastName, gender, birthday, launchpadId, destination, launchDate, requestId } = req;
        const booking = create(BookingSchema, {
          ...{ firstName, lastName, gender, birthday, launchpadId, destination, launchDate, requestId },
          ticketId: randomUUID(),
          status: BookingStatus.CONFIRMED,
          createTime: timestampNow(),
        });
        bookings.set(booking.ticketId, booking);
        return { booking };
      },
      getBooking(req) {
        const booking = bookings.get(req.ticketId);
        if (!booking) throw new ConnectError(`booking ${req.ticketId} not found`, Code.NotFound);
        return { booking };
      },
      listBookings(req) {
        seen.list = req;
        return { bookings: [...bookings.values()].slice(0, req.pageSize || 20) };
      },
      cancelBooking(req) {
        const booking = bookings.get(req.ticketId);
        if (!booking) throw new ConnectError(`booking ${req.ticketId} not found`, Code.NotFound);
        booking.status = BookingStatus.CANCELLED;
        booking.cancellation = { $typeName: "spacet.v1.Cancellation", reason: CancellationReason.CUSTOMER_REQUEST, spacexLaunchId: "" };
        return { booking };
      },
    });
  return { routes, seen, slowStarted, slowAborted };
}

/** Rejects "Bearer bad" the way an auth interceptor would, to prove interceptors run for REST. */
const authInterceptor: Interceptor = (next) => async (req) => {
  if (req.header.get("authorization") === "Bearer bad") throw new ConnectError("bad token", Code.Unauthenticated);
  return next(req);
};

export const validBooking = {
  firstName: "Ada",
  lastName: "Lovelace",
  gender: "GENDER_FEMALE",
  birthday: "1990-12-10",
  launchpadId: "pad-1",
  destination: "DESTINATION_MARS",
  launchDate: "2099-01-01",
};

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Starts the fake behind connectNodeAdapter + transcoder with auth and validation interceptors. */
export async function start(overrides: Partial<HttpTranscoderOptions> = {}) {
  const fake = createFakeBookings();
  const interceptors = [authInterceptor, createValidateInterceptor()];
  const rest = createHttpTranscoder({ services: [BookingService], routes: fake.routes, interceptors, prefix: "/v1/", ...overrides });
  const server = await serveWithTranscoder(rest, fake.routes, interceptors);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const res = await fetch(server.url + path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text };
  };
  return { fake, server, call };
}

export type Harness = Awaited<ReturnType<typeof start>>;

/** Field paths (proto names joined by dots) of the Violations detail of a 400 answer. */
export function violationFields(answer: Answer): string[] {
  const detail = answer.body.details.find((d: any) => d["@type"] === "type.googleapis.com/buf.validate.Violations");
  assert.ok(detail, `expected a Violations detail in ${JSON.stringify(answer.body)}`);
  return detail.violations.map((v: any) => v.field.elements.map((e: any) => e.fieldName).join("."));
}
