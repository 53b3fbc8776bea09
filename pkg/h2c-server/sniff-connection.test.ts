import assert from "node:assert/strict";
import net, { type AddressInfo, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { HTTP2_PREFACE } from "./preface.js";
import { sniffConnection } from "./sniff-connection.js";

/** A TCP server whose accepted sockets the test can inspect before and after sniffing. */
describe("sniffConnection", () => {
  let server: net.Server;
  let port: number;
  let onAccept: (socket: Socket) => void = () => {};
  before(async () => {
    server = net.createServer((socket) => onAccept(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connect = () =>
    new Promise<Socket>((resolve) => {
      const client = net.connect(port, "127.0.0.1", () => resolve(client));
      client.setNoDelay(true);
    });

  it("waits while the bytes so far are a prefix of the preface, then keeps every byte for the server", async () => {
    let decided: "h2" | "http1" | undefined;
    let serverSide!: Socket;
    let onDecided!: () => void;
    const decision = new Promise<void>((resolve) => (onDecided = resolve));
    const firstChunk = new Promise<Buffer>((resolve) => {
      onAccept = (socket) => {
        serverSide = socket;
        socket.once("data", resolve);
        sniffConnection(socket, 5_000, (p) => {
          decided = p;
          onDecided();
        });
      };
    });
    const client = await connect();
    client.write(HTTP2_PREFACE.subarray(0, 8));
    assert.equal((await firstChunk).toString("latin1"), "PRI * HT");
    assert.equal(decided, undefined, "8 bytes of the preface decide nothing");
    client.write(HTTP2_PREFACE.subarray(8));
    await decision;
    assert.equal(decided, "h2");
    assert.deepEqual(serverSide.read(), HTTP2_PREFACE, "the sniffed bytes are put back for the HTTP/2 server");
    client.destroy();
  });

  it("decides HTTP/1.1 on the first differing byte and resumes the stream", async () => {
    const got = new Promise<[string, string]>((resolve) => {
      onAccept = (socket) => sniffConnection(socket, 5_000, (p) => socket.once("data", (chunk: Buffer) => resolve([p, chunk.toString("latin1")])));
    });
    const client = await connect();
    client.write("G");
    assert.deepEqual(await got, ["http1", "G"]);
    client.destroy();
  });

  it("destroys a connection that stays undecided past the timeout", async () => {
    onAccept = (socket) => sniffConnection(socket, 50, () => assert.fail("must not decide"));
    const client = await connect();
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.write("PRI");
    await closed;
    assert.ok(client.destroyed);
  });
});
