import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, type Interceptor } from "@connectrpc/connect";
import { Counter, Histogram, type Registry } from "prom-client";
import { countMessages, observeStream, statusAfter, statusOf } from "./observe-stream.js";

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /** Where the metrics are registered (the one `/metrics` serves). */
  readonly registry: Registry;
  /** Every service the server registers: each method gets its series at zero up front. */
  readonly services: readonly DescService[];
  /** Buckets of `grpc_server_handling_seconds`; default Prometheus' DefBuckets, as go-grpc-prometheus. */
  readonly buckets?: readonly number[];
}

type MethodLabel = "grpc_type" | "grpc_service" | "grpc_method";
type MethodLabels = Readonly<Record<MethodLabel, string>>;

/** go-grpc-prometheus's `grpc_type` values. */
const GRPC_TYPE: Readonly<Record<DescMethod["methodKind"], string>> = {
  unary: "unary",
  client_streaming: "client_stream",
  server_streaming: "server_stream",
  bidi_streaming: "bidi_stream",
};

/** The Go name of a status (`OK`, `InvalidArgument`, ...): connect-es's `Code` names are grpc-go's. */
export function grpcCodeName(code: Code | undefined): string {
  return code === undefined ? "OK" : Code[code];
}

/**
 * The server metrics of go-grpc-prometheus (`server_metrics.go`), with its names, labels and
 * semantics, so dashboards and alerts written for Go gRPC servers work unchanged:
 * `grpc_server_started_total`, `grpc_server_handled_total` (with `grpc_code`),
 * `grpc_server_handling_seconds`, `grpc_server_msg_received_total` and
 * `grpc_server_msg_sent_total`, labelled by `grpc_type`, `grpc_service` (the full proto name)
 * and `grpc_method`; never by URL, peer or message content.
 *
 * Install the interceptor outermost, so it times and counts everything the others do and sees
 * the final status. Every protocol connect-es serves goes through router interceptors, and so
 * does an in-process caller of the router (a REST gateway): each call counts once, under its
 * RPC. As in go-grpc-prometheus a unary call receives one message and sends one when it
 * succeeds; a stream counts each message, and is handled (and timed) when its response stream
 * ends: OK when it ran out, the handler's code when it failed, CANCELED when the client left
 * (DEADLINE_EXCEEDED past its deadline), even if the handler then returned quietly.
 *
 * Every method of `services` starts with its started, message and histogram series and its
 * handled series for code OK at zero, so a rate() over a method that has not been called yet
 * is 0 rather than absent.
 *
 * `failureInterceptor` is for RPCs that fail before the interceptors run (a request the server
 * cannot decode, one over the size limit, a bad timeout header: pkg/connect-adapter's
 * `failureInterceptors`). Such an RPC is started, handled with its code and timed from there,
 * but receives no message: none could be read. (grpc-go decodes before its interceptors too, so
 * go-grpc-prometheus never sees these; counting them is what makes a client sending garbage
 * visible.)
 */
export function createServerMetrics(opts: ServerMetricsOptions): { readonly interceptor: Interceptor; readonly failureInterceptor: Interceptor } {
  const registers = [opts.registry];
  const methodLabels: MethodLabel[] = ["grpc_type", "grpc_service", "grpc_method"];
  const started = new Counter({ name: "grpc_server_started_total", help: "Total number of RPCs started on the server.", labelNames: methodLabels, registers });
  const handled = new Counter({
    name: "grpc_server_handled_total",
    help: "Total number of RPCs completed on the server, regardless of success or failure.",
    labelNames: [...methodLabels, "grpc_code"],
    registers,
  });
  const handling = new Histogram({
    name: "grpc_server_handling_seconds",
    help: "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
    labelNames: methodLabels,
    // An explicit `buckets: undefined` would replace prom-client's defaults: only pass one given.
    ...(opts.buckets ? { buckets: [...opts.buckets] } : {}),
    registers,
  });
  const received = new Counter({
    name: "grpc_server_msg_received_total",
    help: "Total number of RPC stream messages received on the server.",
    labelNames: methodLabels,
    registers,
  });
  const sent = new Counter({
    name: "grpc_server_msg_sent_total",
    help: "Total number of gRPC stream messages sent by the server.",
    labelNames: methodLabels,
    registers,
  });

  // One frozen label object per method, made once: the hot path allocates nothing for labels.
  const labelsByMethod = new Map<DescMethod, MethodLabels>();
  const labelsOf = (method: DescMethod): MethodLabels => {
    let labels = labelsByMethod.get(method);
    if (!labels) {
      labels = Object.freeze({ grpc_type: GRPC_TYPE[method.methodKind], grpc_service: method.parent.typeName, grpc_method: method.name });
      labelsByMethod.set(method, labels);
    }
    return labels;
  };
  for (const method of opts.services.flatMap((s) => s.methods)) {
    const labels = labelsOf(method);
    started.inc(labels, 0);
    received.inc(labels, 0);
    sent.inc(labels, 0);
    handling.zero(labels);
    handled.inc({ ...labels, grpc_code: grpcCodeName(undefined) }, 0);
  }

  /** Counts an RPC as started; the function it returns counts it handled with its code, and times it. */
  const start = (labels: MethodLabels) => {
    const t0 = performance.now();
    started.inc(labels);
    return (code: Code | undefined) => {
      handled.inc({ ...labels, grpc_code: grpcCodeName(code) });
      handling.observe(labels, (performance.now() - t0) / 1000);
    };
  };

  const failureInterceptor: Interceptor = (next) => (req) => settle(start(labelsOf(req.method)), () => next(req));

  const interceptor: Interceptor = (next) => async (req) => {
    const labels = labelsOf(req.method);
    const finish = start(labels);
    if (!req.stream) {
      received.inc(labels);
      return settle(
        finish,
        () => next(req),
        () => sent.inc(labels),
      );
    }
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next({ ...req, message: countMessages(req.message, () => received.inc(labels)) });
    } catch (e) {
      finish(statusOf(e));
      throw e;
    }
    if (!res.stream) {
      // Never happens (a stream request gets a stream response); narrows the type.
      finish(undefined);
      return res;
    }
    return {
      ...res,
      message: observeStream(
        res.message,
        () => sent.inc(labels),
        finish,
        () => statusAfter(req.signal),
      ),
    };
  };
  return { interceptor, failureInterceptor };
}

/** Runs a unary call and reports how it ended to `finish` (after `onOk` when it succeeded). */
async function settle<T>(finish: (code: Code | undefined) => void, call: () => Promise<T>, onOk?: () => void): Promise<T> {
  try {
    const res = await call();
    onOk?.();
    finish(undefined);
    return res;
  } catch (e) {
    finish(statusOf(e));
    throw e;
  }
}
