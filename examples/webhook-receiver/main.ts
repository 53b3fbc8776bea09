/**
 * `npm run examples:webhook-receiver -- --port 9000 --secret whsec_…` (one --secret per alert or
 * subscription, as CreateAlert / Subscribe returned it; or WEBHOOK_SECRETS=whsec_a,whsec_b):
 * receives SpaceT's Standard Webhooks, verifies each with the reference library
 * (`standardwebhooks`: signature over id.timestamp.body, ±5 min timestamp tolerance), prints
 * it, and answers 204; a delivery seen before (same webhook-id: a retry) is acknowledged and not
 * printed again. A bad signature is 401. SIGTERM/SIGINT stop it (exit 0).
 */
import { parseArgs } from "node:util";
import { startReceiver } from "./receiver.js";

const { values: args } = parseArgs({
  options: { port: { type: "string", default: "9000" }, host: { type: "string", default: "127.0.0.1" }, secret: { type: "string", multiple: true } },
});
const secrets = [...(args.secret ?? []), ...(process.env.WEBHOOK_SECRETS ?? "").split(",").filter((s) => s !== "")];
if (secrets.length === 0) {
  console.error("give at least one signing secret: --secret whsec_… (or WEBHOOK_SECRETS)");
  process.exit(2);
}

const receiver = await startReceiver({
  port: Number(args.port),
  host: args.host,
  secrets,
  onEvent: (e) => console.log(JSON.stringify({ webhookId: e.id, type: e.type, timestamp: e.timestamp, data: e.data })),
  onRejected: (reason) => console.error(JSON.stringify({ rejected: reason })),
});
console.error(`listening on http://${args.host}:${receiver.port}/ (use it as the webhook URL)`);

const stop = () => void receiver.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
