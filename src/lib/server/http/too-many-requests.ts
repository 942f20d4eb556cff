import { error, type RequestEvent } from '@sveltejs/kit';
import { describeWait } from '../auth/rate-limit';

/** The 429 page: says when to try again (and Retry-After says it to machines). */
export function tooManyRequests(event: RequestEvent, retryAfterSeconds: number): never {
  event.setHeaders({ 'retry-after': String(retryAfterSeconds) });
  error(429, `Too many attempts. Please try again ${describeWait(retryAfterSeconds)}.`);
}
