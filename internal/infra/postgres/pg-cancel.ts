import net from "node:net";

/** The PostgreSQL CancelRequest code (protocol v3, "CancelRequest" message). */
const CANCEL_REQUEST_CODE = 80_877_102;

/** What identifies a session to cancel its statement: where the server listens and the backend key data it sent. */
export interface CancelTarget {
  readonly host: string;
  readonly port: number;
  readonly processID: number;
  readonly secretKey: number;
}

/**
 * Asks the server to cancel the statement `target` is running, as psql's Ctrl-C does: a new
 * socket that sends only the 16-byte CancelRequest (no login, no pool slot, works while every
 * pooled connection is busy). The statement then fails with 57014; if none runs, the server
 * ignores the request. Resolves when the server closed the socket (or after 2 s); never rejects.
 */
export function sendCancelRequest(target: CancelTarget): Promise<void> {
  return new Promise((resolve) => {
    const socket = target.host.startsWith("/") ? net.connect(`${target.host}/.s.PGSQL.${target.port}`) : net.connect(target.port, target.host);
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
    packet.writeInt32BE(target.processID, 8);
    packet.writeInt32BE(target.secretKey, 12);
    socket.setTimeout(2_000, () => socket.destroy());
    socket.once("connect", () => socket.end(packet));
    socket.once("error", () => undefined);
    socket.once("close", () => resolve());
  });
}
