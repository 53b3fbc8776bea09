export interface TapSummary {
  readonly tests: number;
  readonly pass: number;
  readonly fail: number;
  readonly cancelled: number;
  readonly skipped: number;
  readonly todo: number;
}

/**
 * Reads the closing `# pass N` / `# fail N` … lines that node's TAP reporter prints once for the
 * whole run. Undefined when they are missing (the run crashed before the summary). The last
 * occurrence wins, since a test's own output may contain similar lines earlier.
 */
export function readTapSummary(tap: string): TapSummary | undefined {
  const count = (key: string): number | undefined => {
    const all = [...tap.matchAll(new RegExp(`^# ${key} (\\d+)$`, "gm"))];
    return all.length > 0 ? Number(all[all.length - 1][1]) : undefined;
  };
  const [tests, pass, fail] = [count("tests"), count("pass"), count("fail")];
  if (tests === undefined || pass === undefined || fail === undefined) return undefined;
  return { tests, pass, fail, cancelled: count("cancelled") ?? 0, skipped: count("skipped") ?? 0, todo: count("todo") ?? 0 };
}
