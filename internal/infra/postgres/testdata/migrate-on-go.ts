/**
 * Child process for migrator.test.ts: loads everything, prints "ready", waits for one line on
 * stdin (the start barrier, so that every child calls migrate() at the same moment), migrates
 * and prints the versions it applied as JSON.
 */
import { createInterface } from "node:readline";
import { migrate } from "../migrator.js";

const [dsn, dir] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin });
console.log("ready");
await new Promise((resolve) => lines.once("line", resolve));
lines.close();
const { applied } = await migrate({ dsn, dir });
console.log(JSON.stringify({ applied }));
