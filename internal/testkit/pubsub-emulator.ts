import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../pkg/free-port.js";

export interface PubsubEmulator {
  /** `127.0.0.1:PORT`, the value for `PUBSUB_EMULATOR_HOST`. */
  readonly host: string;
  readonly projectId: string;
  /** Kills the emulator's process group: SIGTERM, then SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port. Every topic and subscription is gone afterwards. */
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const KILL_AFTER_MS = 5_000;

/**
 * Runs Google's Pub/Sub emulator (research/pubsub-emulator.md) for tests.
 *
 * The launcher script `exec`s java, so the spawned pid is the JVM; it gets its own process
 * group (`detached`) and is stopped by signalling the group, so nothing survives. The port
 * comes from the OS: on a taken port the JVM logs a BindException but does not exit, and a
 * probe would then get `200 Ok` from the other process. Readiness therefore needs both our
 * own "listening on PORT" log line and `GET /` answering 200, and an early exit fails at once.
 * The emulator keeps everything in memory: create topics and subscriptions after every start.
 */
export async function startPubsubEmulator(opts: { port?: number; projectId?: string } = {}): Promise<PubsubEmulator> {
  const launcher = emulatorLauncher();
  const port = opts.port ?? (await freePort());
  let child = await launch(launcher, port);
  let stopped: Promise<void> | undefined;
  return {
    host: `127.0.0.1:${port}`,
    projectId: opts.projectId ?? "spacet-test",
    stop: () => (stopped ??= killGroup(child)),
    async restart() {
      await killGroup(child);
      child = await launch(launcher, port);
      stopped = undefined;
    },
  };
}

/** `PUBSUB_EMULATOR_BIN`, else `<sdk-root>/platform/pubsub-emulator/bin/cloud-pubsub-emulator` next to `gcloud`. */
function emulatorLauncher(): string {
  const explicit = process.env.PUBSUB_EMULATOR_BIN;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`PUBSUB_EMULATOR_BIN=${explicit} does not exist`);
    return explicit;
  }
  const gcloud = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((d) => path.join(d, "gcloud"))
    .find((p) => existsSync(p));
  // <sdk-root>/bin/gcloud; on Debian /usr/bin/gcloud is a symlink into /usr/lib/google-cloud-sdk.
  const launcher = gcloud && path.join(path.dirname(path.dirname(realpathSync(gcloud))), "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
  if (launcher && existsSync(launcher)) return launcher;
  throw new Error(
    "The Google Pub/Sub emulator is not installed (tests need it; they never skip). Install it with " +
      "`apt-get install google-cloud-cli-pubsub-emulator` from Google's Cloud SDK apt repository " +
      "(https://cloud.google.com/sdk/docs/install#deb), which needs a Java runtime, or set " +
      `PUBSUB_EMULATOR_BIN to the cloud-pubsub-emulator launcher.${gcloud ? ` (looked next to ${gcloud})` : ""}`,
  );
}

async function launch(launcher: string, port: number): Promise<ChildProcess> {
  const child = spawn(launcher, ["--host=127.0.0.1", `--port=${port}`], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // The JVM otherwise sizes its heap at 1/4 of RAM and grows to ~0.5 GB under load.
    env: { ...process.env, JAVA_OPTS: process.env.JAVA_OPTS ?? "-Xmx256m" },
  });
  const tail: string[] = [];
  let exited: string | undefined;
  let listening = false;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8").on("data", (chunk: string) => {
      if (chunk.includes(`listening on ${port}`)) listening = true;
      if (chunk.includes("Address already in use")) exited ??= `cannot bind port ${port}: it is already in use`;
      tail.push(...chunk.split("\n").filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 30));
    });
  }
  child.once("exit", (code, signal) => (exited ??= `exited early (code ${code}, signal ${signal})`));
  child.once("error", (e) => (exited ??= `could not start ${launcher}: ${e.message}`));

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!exited && listening && (await answers(port))) return child;
    if (!exited && Date.now() > deadline) exited = `not ready after ${READY_TIMEOUT_MS} ms`;
    if (exited) {
      await killGroup(child); // a JVM that failed to bind stays alive
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Pub/Sub emulator on port ${port} ${exited}\n--- last output ---\n${tail.join("\n")}`);
}

async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s); // negative pid: the whole process group
    } catch {
      // the group is already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), KILL_AFTER_MS);
  await gone;
  clearTimeout(timer);
}
