// Once a document is open, the reader has its pages on screen: a part of the PDF that does not
// come (the connection dropped, the server hiccuped) must not tear the viewer down. Each failed
// range is asked for again once the device is back online, or after a pause if it never went
// offline; meanwhile the viewer says that pages are waiting.

export interface RetryEnv {
  online: () => boolean;
  /** Calls `fn` at the next 'online' event; returns a function that stops listening. */
  onOnline: (fn: () => void) => () => void;
  later: (fn: () => void, ms: number) => () => void;
}

/** Online yet a range failed (a server hiccup): asked for again after this pause. */
export const RETRY_ONLINE_MS = 5000;

const browserEnv: RetryEnv = {
  online: () => navigator.onLine,
  onOnline: (fn) => {
    addEventListener('online', fn);
    return () => removeEventListener('online', fn);
  },
  later: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
};

export class RangeRetry {
  #pending: Array<() => void> = [];
  #stop: Array<() => void> = [];
  #onchange: (waiting: boolean) => void;
  #env: RetryEnv;

  /** `onchange` hears whether any range is waiting. */
  constructor(onchange: (waiting: boolean) => void, env: RetryEnv = browserEnv) {
    this.#onchange = onchange;
    this.#env = env;
  }

  get waiting(): boolean {
    return this.#pending.length > 0;
  }

  /** A range failed; `again` asks for it again. */
  failed(again: () => void): void {
    const first = !this.waiting;
    this.#pending.push(again);
    if (!first) return;
    this.#onchange(true);
    const flush = () => this.#flush();
    this.#stop.push(this.#env.onOnline(flush));
    if (this.#env.online()) this.#stop.push(this.#env.later(flush, RETRY_ONLINE_MS));
  }

  #flush(): void {
    this.#unlisten();
    const again = this.#pending;
    this.#pending = [];
    this.#onchange(false);
    for (const ask of again) ask();
  }

  #unlisten(): void {
    for (const stop of this.#stop) stop();
    this.#stop = [];
  }

  /** The viewer is gone: nothing is asked for again. */
  dispose(): void {
    this.#unlisten();
    this.#pending = [];
  }
}
