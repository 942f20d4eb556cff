import { error, type RequestEvent } from '@sveltejs/kit';

/**
 * JSON and raw-body endpoints are outside SvelteKit's form CSRF check: refuse a request whose
 * Origin is another host. (Hosts, not origins: behind a TLS proxy the scheme seen here differs.)
 */
export function requireSameOrigin(event: RequestEvent): void {
  let host: string | null;
  try {
    const origin = event.request.headers.get('origin');
    host = origin ? new URL(origin).host : null;
  } catch {
    host = null;
  }
  if (host !== event.url.host) error(403, 'Cross-site request refused');
}
