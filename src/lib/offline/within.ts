/**
 * Runs `work` with a signal that aborts after `ms`, the timer ending with the work. Here rather
 * than AbortSignal.timeout(): a timer of the page's own, so a test's clock can move it too.
 */
export async function within<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
