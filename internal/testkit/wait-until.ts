/** Polls `check` every 20 ms until it holds, for at most `ms` (a bounded wait on a condition, not a sleep). */
export async function waitUntil(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting until ${what}`);
}
