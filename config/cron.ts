import { validateDetailed } from "node-cron";

/**
 * What is wrong with a cron expression, in node-cron's words ("minute: 61 is a invalid
 * expression for minute"), or undefined when node-cron accepts it: 5 fields (minute hour
 * day-of-month month day-of-week) or 6 with seconds first, ranges, steps, lists and names.
 */
export function cronProblem(expression: string): string | undefined {
  const { valid, errors } = validateDetailed(expression);
  if (valid) return undefined;
  return errors.map((e) => (e.field === "expression" ? e.message : `${e.field}: ${e.message}`)).join("; ") || "not a cron expression";
}
