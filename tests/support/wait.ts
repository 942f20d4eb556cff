// Waiting for a condition instead of sleeping a fixed time: a busy machine makes any fixed time
// too short some day, and a quiet one spends it for nothing.

/**
 * Polls `condition` every `everyMs` until it holds. Throws, naming `what`, when it still does not
 * after `timeoutMs` (generous: the deadline is for a broken run, not a slow one).
 */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 30_000, everyMs = 50 } = {}
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
