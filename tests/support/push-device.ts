// A browser that turns notifications on through the app's own endpoint, with keys made the way
// PushManager makes them and an endpoint at the local push service.
import { TestBrowser, type TestResponse } from './server';
import { makeBrowserKeys, type BrowserKeys } from './push-decrypt';
import type { PushServiceStub } from './push-service';

export interface PushDevice {
  endpoint: string;
  keys: BrowserKeys;
  response: TestResponse;
}

/** Posts a new subscription for this browser's session (POST /api/push/subscription). */
export async function subscribeBrowser(
  browser: TestBrowser,
  service: PushServiceStub
): Promise<PushDevice> {
  const keys = makeBrowserKeys();
  const endpoint = service.endpoint();
  const response = await browser.request('POST', '/api/push/subscription', {
    body: JSON.stringify({ endpoint, expirationTime: null, keys: keys.keys }),
    headers: { 'content-type': 'application/json', accept: 'application/json' }
  });
  return { endpoint, keys, response };
}
