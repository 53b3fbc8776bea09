const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses "500ms", "30s", "1.5h", "2d" (or a bare number of seconds) into milliseconds.
 * Returns undefined when the text is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? "s"];
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
