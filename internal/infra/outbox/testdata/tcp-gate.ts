import { createServer, connect, type Socket } from "node:net";

export interface TcpGate {
  /** `127.0.0.1:PORT` to point a client at instead of the target. */
  readonly address: string;
  /** Cuts every connection and refuses new ones until `open()`: to the client the target is down. */
  shut(): void;
  /**
   * From now on the target's answers are held back while requests still go through: the
   * target acts on what it is sent, the client never hears back (its calls hang until their
   * deadline). A process killed in this state has done work it never saw acknowledged.
   */
  holdResponses(): void;
  open(): void;
  close(): Promise<void>;
}

/**
 * A TCP forwarder that a test can shut or make deaf, for faults whose timing the test controls. An emulator
 * restart loses its topics and subscriptions; if the relay could reach the new emulator before
 * the test re-created both, messages published in between would be dropped by Pub/Sub (no
 * subscription yet) and a correct relay would fail the test. Behind a shut gate, the test
 * recreates them first and then opens the gate.
 */
export async function startTcpGate(target: string): Promise<TcpGate> {
  const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
  const sockets = new Set<Socket>();
  let isOpen = true;
  let holding = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (!isOpen) return void client.destroy();
    const upstream = connect(port, host);
    track(upstream);
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => void (holding || client.write(chunk)));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("gate has no port");
  const shut = () => {
    isOpen = false;
    for (const s of sockets) s.destroy();
  };
  return {
    address: `127.0.0.1:${address.port}`,
    shut,
    holdResponses() {
      holding = true;
    },
    open() {
      isOpen = true;
    },
    async close() {
      shut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
