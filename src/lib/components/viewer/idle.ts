// Work that can wait for the main thread to be free (text layers): one job at a time, each
// started in its own idle period, so a burst of pages never becomes one long task. Safari has
// no requestIdleCallback; there a short timeout stands in.
type Job = () => unknown;

const queue: Job[] = [];
let busy = false;

function idle(callback: () => void) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 2000 });
  else setTimeout(callback, 50);
}

function next() {
  if (busy || queue.length === 0) return;
  busy = true;
  idle(async () => {
    const job = queue.shift();
    try {
      await job?.();
    } finally {
      busy = false;
      next();
    }
  });
}

/** Runs `job` when the main thread is idle, after the jobs queued before it; returns a cancel. */
export function whenIdle(job: Job): () => void {
  queue.push(job);
  next();
  return () => {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
  };
}

/** Gives the browser a turn (input, rendering) before the caller carries on. */
export function yieldToMain(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
