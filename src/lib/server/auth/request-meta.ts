import type { RequestEvent } from '@sveltejs/kit';

/**
 * The client's IP as adapter-node sees it: the socket address, or the ADDRESS_HEADER
 * (e.g. x-forwarded-for) when the deployment sets one behind a proxy. Null when unknown.
 */
export function clientIp(event: RequestEvent): string | null {
  try {
    return event.getClientAddress();
  } catch {
    return null;
  }
}

export function requestMeta(event: RequestEvent) {
  return {
    ip: clientIp(event),
    userAgent: event.request.headers.get('user-agent')?.slice(0, 512) ?? null
  };
}

/** The request's address and user agent, as an audit entry names them. */
export const clientMeta = (event: RequestEvent) => ({
  ip: clientIp(event),
  ua: event.request.headers.get('user-agent')
});
