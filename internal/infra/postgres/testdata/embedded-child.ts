/**
 * Child process for embedded.test.ts. Starts an embedded PostgreSQL on the data dir given as
 * the first argument, prints `{ "dsn": … }`, then behaves as the second argument says:
 * - `hold`: stays up until SIGTERM, then stops the server and exits 0;
 * - `exit`: calls process.exit(0) without stopping the server;
 * - `drain`: on SIGTERM, still queries the database, prints "drained", closes the pool, stops
 *   the server and ends with exit code 7 (the application owns signals and the exit code).
 */
import pg from "pg";
import { startEmbeddedPostgres } from "../embedded.js";

const [dataDir, mode] = process.argv.slice(2);
const server = await startEmbeddedPostgres({ dataDir });
console.log(JSON.stringify({ dsn: server.dsn }));

if (mode === "hold") {
  const keepAlive = setInterval(() => undefined, 60_000);
  process.once("SIGTERM", async () => {
    await server.stop();
    clearInterval(keepAlive);
  });
}
if (mode === "exit") process.exit(0);
if (mode === "drain") {
  const pool = new pg.Pool({ connectionString: server.dsn });
  pool.on("error", () => undefined);
  const keepAlive = setInterval(() => undefined, 60_000);
  process.once("SIGTERM", async () => {
    const { rows } = await pool.query<{ word: string }>("select 'drained' as word");
    console.log(rows[0].word);
    await pool.end();
    await server.stop();
    clearInterval(keepAlive);
    process.exitCode = 7;
  });
  console.log("waiting");
}
