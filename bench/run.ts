/**
 * `npm run bench`: every benchmark part in one run. Each part measures its own baseline in the
 * same run and prints ratios, because absolute figures on shared 2-core machines are noise.
 * Pass part names to run a subset: `npm run bench -- booking sync` or `npm run bench -- flights`.
 */
import { runBookingBench } from "./booking.js";
import { runFlightNotifyBench } from "./flight-notify.js";
import { runFlightsBench } from "./flights.js";
import { runOutboxBench } from "./outbox.js";
import { runStartupBench } from "./startup.js";
import { runSyncBench } from "./sync.js";

const PARTS: Record<string, () => Promise<unknown>> = {
  booking: runBookingBench,
  flights: runFlightsBench,
  "flight-notify": runFlightNotifyBench,
  sync: runSyncBench,
  outbox: runOutboxBench,
  startup: runStartupBench,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((p) => !(p in PARTS));
if (unknown.length > 0) {
  console.error(`unknown bench part(s): ${unknown.join(", ")}; parts: ${Object.keys(PARTS).join(", ")}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(PARTS)) {
  console.log(`\n######## ${name} ########`);
  await PARTS[name]();
}
process.exit(0);
