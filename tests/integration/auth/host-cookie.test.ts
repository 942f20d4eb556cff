// Under an https ORIGIN the session cookie is __Host-sheaf_session: browsers then take it only
// with Secure, Path=/ and no Domain, so a sibling subdomain (or a plain-http page of this one)
// can neither plant a session of its own nor shadow ours. `node build` with ORIGIN=https://…,
// spoken to over loopback http as a TLS-terminating proxy would. Both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import { startInstance, type Instance } from '../../support/cluster';
import {
  createInstanceDatabase,
  seedStaffWithDraft,
  type InstanceDatabase
} from '../../support/instance-data';

const driver = process.env.SHEAF_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const ORIGIN = 'https://portal.sheaf.test';

let database: InstanceDatabase;
let instance: Instance;
let token: string;
let linkToken: string;

beforeAll(async () => {
  database = await createInstanceDatabase(driver);
  const seeded = await database.use(seedStaffWithDraft);
  token = seeded.token;
  linkToken = (
    await database.use((db) =>
      issueMagicLink(db, {
        userId: seeded.staff.id,
        purpose: 'sign_in',
        firmId: seeded.firm.id,
        redirectTo: '/firm'
      })
    )
  ).token;
  instance = await startInstance({
    env: { ...database.env, ORIGIN, EMAIL_WORKER: 'false' },
    waitMs: 120_000
  });
}, 180_000);

afterAll(async () => {
  await instance?.stop();
  await database?.drop();
});

const get = (path: string, cookie: string) =>
  fetch(`${instance.url}${path}`, { headers: { cookie }, redirect: 'manual' });
const post = (path: string, cookie = '') =>
  fetch(`${instance.url}${path}`, {
    method: 'POST',
    headers: {
      cookie,
      origin: ORIGIN,
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: '',
    redirect: 'manual'
  });

describe('the session cookie under an https ORIGIN', () => {
  it('is read only by its __Host- name', async () => {
    expect((await get('/firm', `__Host-sheaf_session=${token}`)).status).toBe(200);
    const plain = await get('/firm', `sheaf_session=${token}`);
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toMatch(/^\/sign-in/);
  });

  it('is set as __Host-sheaf_session: Secure, Path=/, no Domain; sign-out clears that name', async () => {
    const signedIn = await post(`/l/${linkToken}`);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/firm');
    const cookies = signedIn.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('__Host-sheaf_session='));
    expect(session, cookies.join('\n')).toBeDefined();
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*Path=\/(;|$)/);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).not.toMatch(/Domain=/i);
    expect(cookies.some((c) => c.startsWith('sheaf_session='))).toBe(false);

    const value = session!.slice('__Host-sheaf_session='.length).split(';')[0];
    const out = await post('/sign-out', `__Host-sheaf_session=${value}`);
    expect(out.status).toBe(303);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('__Host-sheaf_session='));
    expect(cleared).toMatch(/^__Host-sheaf_session=;/);
    expect(cleared).toMatch(/;\s*Secure/i);
    expect(cleared).toMatch(/;\s*Path=\//);
    expect((await get('/firm', `__Host-sheaf_session=${value}`)).status).toBe(303);
  });
});
