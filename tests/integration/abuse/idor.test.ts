// The IDOR matrix: every page, action and endpoint of the route map (DESIGN.md) that takes an id,
// requested by someone signed in with another firm's or another client's ids. Each answers 404
// (or, for an id inside a form, the same refusal as an unknown id), shows none of the other
// side's names, and changes nothing. One table, compared with the route files (src/routes, read
// by tests/support/route-map.ts): a new load, action or endpoint without a row fails the suite.
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../../src/lib/server/db/client';
import * as s from '../../../src/lib/server/db/schema';
import {
  addDocument,
  createClient,
  createContact,
  createFirmWithStaff,
  createPacket,
  signIn,
  unique
} from '../../support/factories';
import { issueMagicLink } from '../../../src/lib/server/auth/magic-link';
import { TestBrowser } from '../../support/server';
import { ensurePreviews } from '../../../src/lib/server/pdf/preview';
import { entryFor, readRouteMap } from '../../support/route-map';
import { selectOutbox } from '../../support/outbox';

type Method = 'GET' | 'HEAD' | 'POST' | 'JSON' | 'PDF';
type Who = 'staff' | 'owner' | 'contact' | 'ownerAsClient' | 'signedOut' | 'viewer' | 'expired';
type Row = [
  who: Who,
  method: Method,
  path: string,
  expect?: number[],
  form?: Record<string, string>
];

/**
 * Loads, actions and endpoints that need no row: they take no id of anyone's, or only a token
 * that is itself the permission (`pattern name`, as readRouteMap lists them).
 */
const NO_ROW_NEEDED: Record<string, string> = {
  // Public: the health check, sign-in by email or code, first-run setup.
  '/api/healthz GET': 'public health check, no data',
  '/sign-in load': 'the sign-in form',
  '/sign-in default': 'asks for a link by email address; same answer for every address',
  '/sign-in/code load': "the code form, for this browser's own request",
  '/sign-in/code default': 'a code signs in only the browser that asked (its binding cookie)',
  '/setup load': 'first run only; the setup token is the permission',
  '/setup default': 'first run only; the setup token is the permission',
  // The caller's own session and user: no id in the request.
  '/api/session GET': "says who the caller's own session belongs to",
  '/api/push/subscription GET': "the server's push key and whether the caller's session has one",
  '/api/push/subscription POST': "saves a push subscription for the caller's own session",
  '/api/push/subscription DELETE': "removes the caller's own session's push subscription",
  '/sign-out load': "the caller's own session",
  '/sign-out default': "ends the caller's own session",
  '/account name': "renames the caller's own user",
  // Tokens are the permission (a used or unknown one has rows under /l/[token]).
  '/l/[token]/renew load': 'only redirects to /l/[token]',
  // Postmark's, with its own Basic auth (tests/integration/email-webhook.test.ts).
  '/api/webhooks/postmark POST': "Postmark's delivery events, Basic auth, no session",
  // The dev mailbox: loopback only, and off unless MAIL_TRANSPORT=mailbox (email-mailbox.test).
  '/dev/mailbox load': 'dev mailbox, loopback only',
  '/dev/mailbox.json GET': 'dev mailbox, loopback only'
};

/** Every form field any action reads, so each action reaches its own access check. */
const anyForm = (ids: Record<string, string> = {}) => ({
  name: 'Mine now',
  code: 'MINE',
  email: 'attacker@example.test',
  role: 'approver',
  accessExpiresAt: '',
  locale: 'es',
  title: 'Taken over',
  period: '2026-Q3',
  note: 'x',
  dueAt: '',
  body: 'A question that must not land',
  direction: 'up',
  displayName: 'Taken over',
  requestId: crypto.randomUUID(),
  version: '1',
  // A nudge's "send another now", and the add-contact mail choices.
  confirm: '1',
  invite: '1',
  sendPackets: '1',
  ...ids
});

async function world() {
  const db = getDb();
  const a = await createFirmWithStaff(db);
  const a1 = await createClient(db, a.firm.id, { name: 'Own Client Ltd' });
  const { contact: ca1, user: ua1 } = await createContact(db, a1, { name: 'Ada Own' });
  const pa1 = await createPacket(db, a1, { title: 'Own packet' });
  const da1 = await addDocument(db, pa1, { filename: 'own.pdf' });
  // Uploaded by staff after publishing: not the contact's to see until the next publish.
  const stagedName = unique('Staged');
  const staged = await addDocument(db, { ...pa1, version: 0 }, { filename: `${stagedName}.pdf` });
  // My packet went to my contact: a nudge with my own contact id works (see the end).
  await db
    .insert(s.delivery)
    .values({ firmId: a.firm.id, packetId: pa1.id, version: pa1.version, contactId: ca1.id });
  const aMembers = await db.select().from(s.membership).where(eq(s.membership.firmId, a.firm.id));

  // Another client of the same firm, and another firm: names that must never show.
  const neighbourName = unique('Quillon');
  const a2 = await createClient(db, a.firm.id, { name: `${neighbourName} Neighbour Client` });
  const { contact: ca2 } = await createContact(db, a2, {
    name: `${neighbourName} Neighbour Contact`
  });
  const pa2 = await createPacket(db, a2, { title: `${neighbourName} neighbour packet` });
  const da2 = await addDocument(db, pa2, { filename: `${neighbourName}-neighbour.pdf` });
  const secret = unique('Zebulon');
  const b = await createFirmWithStaff(db);
  await db
    .update(s.firm)
    .set({ name: `${secret} Other Firm` })
    .where(eq(s.firm.id, b.firm.id));
  const b1 = await createClient(db, b.firm.id, { name: `${secret} Other Client` });
  const { contact: cb1, user: ub1 } = await createContact(db, b1, {
    name: `${secret} Other Contact`,
    email: `${secret.toLowerCase()}@other.test`
  });
  const pb1 = await createPacket(db, b1, {
    title: `${secret} other packet`,
    note: `${secret} note`
  });
  const db1 = await addDocument(db, pb1, { filename: `${secret}-other.pdf` });
  // The other firm's and the neighbour's packets went to their contacts (nudge targets).
  await db.insert(s.delivery).values([
    { firmId: b.firm.id, packetId: pb1.id, version: pb1.version, contactId: cb1.id },
    { firmId: a.firm.id, packetId: pa2.id, version: pa2.version, contactId: ca2.id }
  ]);
  // Questions: firm B's (one open, one answered) and one of my contact's on a packet of mine.
  const pbAsked = await createPacket(db, b1, { title: `${secret} asked packet` });
  const [bOpen, bAnswered] = await db
    .insert(s.comment)
    .values([
      { firmId: b.firm.id, packetId: pbAsked.id, authorId: ub1.id, body: `${secret} open?` },
      {
        firmId: b.firm.id,
        packetId: pbAsked.id,
        authorId: ub1.id,
        body: `${secret} answered?`,
        answeredAt: new Date('2026-01-02T03:04:05Z'),
        answeredBy: b.staff.id
      }
    ])
    .returning();
  const pa3 = await createPacket(db, a1, { title: 'Own asked packet' });
  const [aQuestion] = await db
    .insert(s.comment)
    .values({ firmId: a.firm.id, packetId: pa3.id, authorId: ua1.id, body: 'My own question' })
    .returning();
  const pbDraft = await createPacket(db, b1, { status: 'draft', title: `${secret} draft` });
  const dbDraft = await addDocument(db, pbDraft, { filename: `${secret}-draft.pdf` });
  // Versions with a sign-off certificate: firm B's, and the neighbour client's.
  const certifiedB = await approvedPacket(b1, cb1, `${secret} certified`);
  const certifiedN = await approvedPacket(a2, ca2, `${neighbourName} certified`);
  const bSession = await signIn(new TestBrowser(), ub1.id, 'client');
  // Firm B's contact gets notifications on that device: nobody else may remove it.
  const [bPush] = await db
    .insert(s.pushSubscription)
    .values({
      userId: ub1.id,
      sessionIdHash: bSession.idHash,
      endpoint: `https://push.example.test/${unique('push')}`,
      p256dh: Buffer.alloc(65, 4).toString('base64url'),
      auth: Buffer.alloc(16, 5).toString('base64url')
    })
    .returning();
  const bMembers = await db.select().from(s.membership).where(eq(s.membership.firmId, b.firm.id));
  // Firm B's people as firm B names them, at addresses that say nothing: firm A adds them.
  await db
    .update(s.user)
    .set({ name: `${secret} Other Staff` })
    .where(eq(s.user.id, b.staff.id));
  const b2 = await createClient(db, b.firm.id);
  const { user: ub2 } = await createContact(db, b2, { name: `${secret} Quiet Contact` });

  const staff = new TestBrowser();
  await signIn(staff, a.staff.id, 'staff');
  const contact = new TestBrowser();
  await signIn(contact, ua1.id, 'client');
  // An owner who is also a contact of their own client, signed in by that contact's link.
  await db.insert(s.clientContact).values({
    firmId: a.firm.id,
    clientId: a1.id,
    userId: a.owner.id,
    name: 'Olivia Owner'
  });
  // Packet links their contacts already used: opened by anyone else, they go nowhere.
  const usedLink = async (userId: string, firmId: string, packetId: string) => {
    const link = await issueMagicLink(db, {
      userId,
      purpose: 'packet',
      firmId,
      packetId,
      redirectTo: `/p/${packetId}`
    });
    await db.update(s.magicLink).set({ usedAt: new Date() }).where(eq(s.magicLink.id, link.id));
    return link.token;
  };
  const otherUsedLink = await usedLink(ub1.id, b.firm.id, pb1.id);
  const mineUsedLink = await usedLink(ua1.id, a.firm.id, pa1.id);
  const ownerAsClient = new TestBrowser();
  await signIn(ownerAsClient, a.owner.id, 'client');
  // People of client A1 itself who may see but not act, or no longer see: a viewer, and a
  // guest whose access ended (still a contact of another client of firm A, so that each
  // refusal below is the packet's own access check, not a session the first refusal ended).
  const sharedTitle = unique('Shared');
  const shared = await createPacket(db, a1, { title: sharedTitle });
  const sharedDoc = await addDocument(db, shared, { filename: `${sharedTitle}.pdf` });
  const { contact: viewerContact, user: viewerUser } = await createContact(db, a1, {
    name: 'Vera Viewer',
    role: 'viewer'
  });
  const { contact: expiredContact, user: expiredUser } = await createContact(db, a1, {
    name: 'Gus Guest',
    accessExpiresAt: new Date(Date.now() - 60 * 60 * 1000)
  });
  const a4 = await createClient(db, a.firm.id);
  await db
    .insert(s.clientContact)
    .values({ firmId: a.firm.id, clientId: a4.id, userId: expiredUser.id, name: 'Gus Guest' });
  // The guest approved version 1 while their access lasted: nothing of it is theirs now.
  await db.insert(s.decision).values({
    firmId: a.firm.id,
    packetId: shared.id,
    version: 1,
    contactId: expiredContact.id,
    kind: 'approve'
  });
  const viewer = new TestBrowser();
  await signIn(viewer, viewerUser.id, 'client');
  const expired = new TestBrowser();
  await signIn(expired, expiredUser.id, 'client');
  // An archived packet of client A1 whose version 1 my contact approved.
  const archived = await createPacket(db, a1, { title: 'Own archived packet', status: 'archived' });
  const archivedDoc = await addDocument(db, archived, { filename: 'archived.pdf' });
  const [archivedApproval] = await db
    .insert(s.decision)
    .values({
      firmId: a.firm.id,
      packetId: archived.id,
      version: 1,
      contactId: ca1.id,
      kind: 'approve'
    })
    .returning();
  const owner = new TestBrowser();
  await signIn(owner, a.owner.id, 'staff');
  // Firm A's client names a responsible member: nobody else's request may change it.
  await db.update(s.client).set({ responsibleUserId: a.staff.id }).where(eq(s.client.id, a1.id));
  // Passkeys (issue 22): firm B's staff member's, my firm's owner's and my contact's.
  const passkeyOf = async (userId: string, name: string) => {
    const [row] = await db
      .insert(s.passkey)
      .values({ userId, credentialId: unique('cred'), publicKey: 'AQID', name })
      .returning();
    return row;
  };
  const passkeys = {
    other: await passkeyOf(b.staff.id, `${secret} phone`),
    owner: await passkeyOf(a.owner.id, 'Owner phone'),
    contact: await passkeyOf(ua1.id, 'Contact phone')
  };
  return {
    passkeys,
    secret,
    neighbourName,
    stagedName,
    otherUsedLink,
    mineUsedLink,
    /** A client a contact's CSV import would create: it must not exist afterwards. */
    importName: unique('IMPORTED').toUpperCase(),

    staff,
    owner,
    contact,
    ownerAsClient,
    signedOut: new TestBrowser(),
    viewer,
    expired,
    mine: {
      shared,
      sharedDoc,
      sharedTitle,
      viewerContact,
      expiredContact,
      archived,
      archivedDoc,
      archivedApproval,
      staffUser: a.staff,
      firm: a.firm,
      client: a1,
      contact: ca1,
      contactUser: ua1,
      packet: pa1,
      doc: da1,
      staged,
      members: aMembers,
      asked: pa3,
      question: aQuestion
    },
    neighbour: { client: a2, contact: ca2, packet: pa2, doc: da2, certified: certifiedN },
    other: {
      firm: b.firm,
      client: b1,
      contact: cb1,
      packet: pb1,
      doc: db1,
      draft: pbDraft,
      draftDoc: dbDraft,
      certified: certifiedB,
      asked: pbAsked,
      openQuestion: bOpen,
      answeredQuestion: bAnswered,
      session: bSession,
      push: bPush,
      members: bMembers,
      /** Firm B's staff member and another contact of theirs, with names only B may see. */
      staff: b.staff,
      quiet: ub2
    }
  };
}

/**
 * The audit export (issue 21): another firm's packet trail is a 404; my firm's whole log opens
 * for my staff only (and shows none of the other firm's names: the leak check below).
 */
function auditExportRows(w: Awaited<ReturnType<typeof world>>): Row[] {
  const { mine, other: o } = w;
  const NF = [404];
  const SIGN_IN = [303];
  const today = new Date().toISOString().slice(0, 10);
  const everything = `/firm/audit/export?from=2022-01-01&to=${today}`;
  const range = { from: '2026-01-01', to: '2026-01-31' };
  return [
    ['staff', 'GET', `/firm/packets/${o.packet.id}/audit.csv`],
    ['staff', 'GET', `/firm/packets/${o.draft.id}/audit.csv`],
    ['owner', 'GET', `/firm/packets/${o.packet.id}/audit.csv`],
    ['staff', 'GET', everything, [200]],
    ['staff', 'GET', `/firm/packets/${mine.packet.id}/audit.csv`, [200]],
    ['staff', 'GET', `/firm/audit`, [200]],
    // Its own staff's good range is a 303 to the download (audit-export.test.ts); a 303 here
    // must go to sign-in, so the row sends a range the form refuses.
    ['staff', 'POST', `/firm/audit`, [400], { from: range.to, to: range.from }],
    ...(['contact', 'ownerAsClient', 'signedOut'] as const).flatMap((who): Row[] => {
      const refused = who === 'contact' ? NF : SIGN_IN;
      return [
        [who, 'GET', `/firm/packets/${mine.packet.id}/audit.csv`, refused],
        [who, 'GET', everything, refused],
        [who, 'GET', `/firm/audit`, refused],
        [who, 'POST', `/firm/audit`, refused, anyForm(range)]
      ];
    })
  ];
}

/** A published packet whose version 1 the contact approved: it has a sign-off certificate. */
async function approvedPacket(client: s.Client, contact: s.ClientContact, title: string) {
  const db = getDb();
  const packet = await createPacket(db, client, { title });
  await addDocument(db, packet, { filename: `${title}.pdf` });
  await db.insert(s.decision).values({
    firmId: client.firmId,
    packetId: packet.id,
    version: 1,
    contactId: contact.id,
    kind: 'approve'
  });
  return packet;
}

/** Sign-off certificates and their verify page (issue 21), for each kind of outsider. */
function certificateRows(w: Awaited<ReturnType<typeof world>>): Row[] {
  const { mine, neighbour: n, other: o } = w;
  const SIGN_IN = [303];
  const staffCert = (id: string) => `/firm/packets/${id}/certificate/1`;
  const clientCert = (id: string) => `/p/${id}/certificate/1`;
  return [
    ['staff', 'GET', staffCert(o.certified.id)],
    ['staff', 'GET', clientCert(o.certified.id)],
    ['staff', 'GET', clientCert(n.certified.id)],
    ['staff', 'GET', `/firm/certificates/verify`, [200]],
    // A form without a file: refused, and only ever checked against firm A's certificates.
    ['staff', 'POST', `/firm/certificates/verify`, [400], anyForm()],
    ['contact', 'GET', clientCert(o.certified.id)],
    ['contact', 'GET', clientCert(n.certified.id)],
    // ... my own packet, not approved: no certificate; and no staff route, even of my firm.
    ['contact', 'GET', clientCert(mine.packet.id)],
    ['contact', 'GET', staffCert(n.certified.id)],
    ['contact', 'GET', `/firm/certificates/verify`],
    ['contact', 'POST', `/firm/certificates/verify`, NF, anyForm()],
    ['ownerAsClient', 'GET', staffCert(n.certified.id), SIGN_IN],
    ['ownerAsClient', 'GET', clientCert(n.certified.id)],
    ['ownerAsClient', 'GET', `/firm/certificates/verify`, SIGN_IN],
    ['ownerAsClient', 'POST', `/firm/certificates/verify`, SIGN_IN, anyForm()],
    ['signedOut', 'GET', staffCert(n.certified.id), SIGN_IN],
    ['signedOut', 'GET', clientCert(n.certified.id), SIGN_IN],
    ['signedOut', 'GET', `/firm/certificates/verify`, SIGN_IN],
    ['signedOut', 'POST', `/firm/certificates/verify`, SIGN_IN, anyForm()]
  ];
}

/** A well-formed passkey answer naming `credentialId`, to a challenge nobody issued. */
function forgedAssertion(credentialId: string) {
  const clientData = JSON.stringify({
    type: 'webauthn.get',
    challenge: 'bm9ib2R5LWlzc3VlZC10aGlzLWNoYWxsZW5nZQ',
    origin: 'http://127.0.0.1'
  });
  return {
    response: {
      id: credentialId,
      rawId: credentialId,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: Buffer.from(clientData).toString('base64url'),
        authenticatorData: 'AAAA',
        signature: 'AAAA'
      }
    }
  };
}

/**
 * Passkeys (issue 22): another person's passkey to rename or remove, another firm's member to
 * reset, a non-owner resetting or requiring passkeys, and the passkey JSON routes.
 */
function passkeyRows(w: Awaited<ReturnType<typeof world>>): Row[] {
  const { mine, other: o, passkeys: pk } = w;
  const NF = [404];
  const SIGN_IN = [303];
  const colleague = mine.members.find((m) => m.userId !== mine.staffUser.id)!;
  const forged = forgedAssertion(pk.other.credentialId) as unknown as Record<string, string>;
  return [
    // Someone else's passkey to rename or remove: a 404, whoever asks.
    ...(['staff', 'owner', 'contact', 'ownerAsClient'] as const).flatMap((who): Row[] =>
      [pk.other, who === 'contact' ? pk.owner : pk.contact].flatMap((p): Row[] => [
        [who, 'POST', `/account?/renamePasskey`, NF, anyForm({ passkeyId: p.id })],
        [who, 'POST', `/account?/removePasskey`, NF, anyForm({ passkeyId: p.id })]
      ])
    ),
    ['signedOut', 'POST', `/account?/renamePasskey`, SIGN_IN, anyForm({ passkeyId: pk.other.id })],
    ['signedOut', 'POST', `/account?/removePasskey`, SIGN_IN, anyForm({ passkeyId: pk.other.id })],
    // Resetting passkeys: another firm's member is a 404 even for an owner; a colleague's is a
    // 403 for staff who are not owners; contacts and client sessions get no staff action.
    ...o.members.flatMap((m): Row[] => [
      ['staff', 'POST', `/firm/settings?/resetPasskeys`, NF, anyForm({ memberId: m.id })],
      ['owner', 'POST', `/firm/settings?/resetPasskeys`, NF, anyForm({ memberId: m.id })]
    ]),
    ['staff', 'POST', `/firm/settings?/resetPasskeys`, [403], anyForm({ memberId: colleague.id })],
    ['contact', 'POST', `/firm/settings?/resetPasskeys`, NF, anyForm({ memberId: colleague.id })],
    [
      'ownerAsClient',
      'POST',
      `/firm/settings?/resetPasskeys`,
      SIGN_IN,
      anyForm({ memberId: colleague.id })
    ],
    [
      'signedOut',
      'POST',
      `/firm/settings?/resetPasskeys`,
      SIGN_IN,
      anyForm({ memberId: colleague.id })
    ],
    // "Staff must confirm with a passkey": owners only.
    ['staff', 'POST', `/firm/settings?/passkeyRequired`, [403], anyForm({ required: 'on' })],
    ['contact', 'POST', `/firm/settings?/passkeyRequired`, NF, anyForm({ required: 'on' })],
    [
      'ownerAsClient',
      'POST',
      `/firm/settings?/passkeyRequired`,
      SIGN_IN,
      anyForm({ required: 'on' })
    ],
    ['signedOut', 'POST', `/firm/settings?/passkeyRequired`, SIGN_IN, anyForm({ required: 'on' })],
    // The sender name and own address: owners only; an unverified domain is refused.
    ...(['staff', 'contact', 'ownerAsClient', 'signedOut'] as const).map((who): Row => [
      who,
      'POST',
      `/firm/settings?/sender`,
      who === 'staff' ? [403] : who === 'contact' ? NF : SIGN_IN,
      anyForm({ senderName: 'Hijacked', fromEmail: '' })
    ]),
    [
      'owner',
      'POST',
      `/firm/settings?/sender`,
      [400],
      anyForm({ senderName: '', fromEmail: 'ceo@unverified.test' })
    ],
    // The step-up page: the owner (who has a passkey) sees it, with a foreign `next` ignored.
    ['owner', 'GET', `/confirm-passkey?next=${encodeURIComponent('https://evil.test/')}`, [200]],
    ['signedOut', 'GET', `/confirm-passkey`, SIGN_IN],
    // The JSON routes: another person's passkey answers no challenge of mine; signed out, only
    // sign-in's own pair answers, and it starts no session for a forged answer.
    ['staff', 'JSON', `/api/passkeys/step-up`, [400], forged],
    ['owner', 'JSON', `/api/passkeys/step-up`, [400], forged],
    ['contact', 'JSON', `/api/passkeys/step-up`, [400], forged],
    ['staff', 'JSON', `/api/passkeys/step-up/options`, [400], {}],
    ['staff', 'JSON', `/api/passkeys/register`, [400], forged],
    ['signedOut', 'JSON', `/api/passkeys/sign-in`, [400], forged],
    ['signedOut', 'JSON', `/api/passkeys/sign-in/options`, [200], {}],
    ...(
      [
        '/api/passkeys/register/options',
        '/api/passkeys/register',
        '/api/passkeys/step-up/options',
        '/api/passkeys/step-up'
      ] as const
    ).map((path): Row => ['signedOut', 'JSON', path, [401], {}])
  ];
}

/** The logo's actions and its public sizes (issue 23). */
function logoRows(): Row[] {
  const NF = [404];
  const SIGN_IN = [303];
  const unknown = `${'0'.repeat(32)}.300x100`;
  return [
    ...(['logo', 'removeLogo'] as const).flatMap((action): Row[] => [
      ['staff', 'POST', `/firm/settings?/${action}`, [403], anyForm()],
      ['contact', 'POST', `/firm/settings?/${action}`, NF, anyForm()],
      ['ownerAsClient', 'POST', `/firm/settings?/${action}`, SIGN_IN, anyForm()],
      ['signedOut', 'POST', `/firm/settings?/${action}`, SIGN_IN, anyForm()]
    ]),
    // A logo nobody stored, and paths that name no logo: 404 for anyone.
    ['signedOut', 'GET', `/api/logos/${unknown}/64.png`, NF],
    ['contact', 'GET', `/api/logos/${unknown}/128.png`, NF],
    ['staff', 'GET', `/api/logos/..%2F..%2Fblobs/64.png`, NF],
    ['signedOut', 'GET', `/api/logos/${unknown}/32.png`, NF]
  ];
}

/** Every new action of issue 18, for each kind of outsider. */
function alertRows(w: Awaited<ReturnType<typeof world>>): Row[] {
  const { mine, other: o } = w;
  const NF = [404];
  const SIGN_IN = [303];
  const prefs = (membershipId: string) => ({
    membershipId,
    questionAlerts: 'off',
    approvalAlerts: 'off',
    digestTime: '03:00'
  });
  const myMember = mine.members[0];
  return [
    // Staff of firm A: firm B's client, firm B's member, firm B's membership row.
    [
      'staff',
      'POST',
      `/firm/clients/${o.client.id}?/responsible`,
      NF,
      anyForm({ userId: mine.staffUser.id })
    ],
    [
      'staff',
      'POST',
      `/firm/clients/${o.client.id}?/responsible`,
      NF,
      anyForm({ userId: o.staff.id })
    ],
    [
      'staff',
      'POST',
      `/firm/clients/${mine.client.id}?/responsible`,
      [400],
      anyForm({ userId: o.staff.id })
    ],
    [
      'staff',
      'POST',
      `/firm/clients?/assign`,
      NF,
      anyForm({ clientId: o.client.id, userId: mine.staffUser.id })
    ],
    [
      'staff',
      'POST',
      `/firm/clients?/assign`,
      [400],
      anyForm({ clientId: mine.client.id, userId: o.staff.id })
    ],
    ...o.members.map((m): Row => ['staff', 'POST', `/account?/alerts`, NF, prefs(m.id)]),
    // ... and a colleague's own preferences.
    ...mine.members
      .filter((m) => m.userId !== mine.staffUser.id)
      .map((m): Row => ['staff', 'POST', `/account?/alerts`, NF, prefs(m.id)]),
    // A contact of firm A: no staff action, not even with firm A's ids.
    [
      'contact',
      'POST',
      `/firm/clients/${mine.client.id}?/responsible`,
      NF,
      anyForm({ userId: myMember.userId })
    ],
    [
      'contact',
      'POST',
      `/firm/clients?/assign`,
      NF,
      anyForm({ clientId: mine.client.id, userId: myMember.userId })
    ],
    ['contact', 'POST', `/account?/alerts`, NF, prefs(myMember.id)],
    // An owner holding a client session: staff pages ask for a staff sign-in; no alert choices.
    [
      'ownerAsClient',
      'POST',
      `/firm/clients/${mine.client.id}?/responsible`,
      SIGN_IN,
      anyForm({ userId: myMember.userId })
    ],
    [
      'ownerAsClient',
      'POST',
      `/firm/clients?/assign`,
      SIGN_IN,
      anyForm({ clientId: mine.client.id, userId: myMember.userId })
    ],
    ['ownerAsClient', 'POST', `/account?/alerts`, NF, prefs(myMember.id)],
    // Signed out: every one sends them to sign in.
    [
      'signedOut',
      'POST',
      `/firm/clients/${mine.client.id}?/responsible`,
      SIGN_IN,
      anyForm({ userId: myMember.userId })
    ],
    [
      'signedOut',
      'POST',
      `/firm/clients?/assign`,
      SIGN_IN,
      anyForm({ clientId: mine.client.id, userId: myMember.userId })
    ],
    ['signedOut', 'POST', `/account?/alerts`, SIGN_IN, prefs(myMember.id)],
    ['signedOut', 'GET', `/account`, SIGN_IN]
  ];
}

/**
 * People of my own firm and client who may see but not act, or no longer see: a viewer of
 * client A1 reads its packet and asks questions (the form is theirs, and askQuestion asks for
 * no role) but approves, declines and withdraws nothing (403); a guest of A1 whose access ended
 * gets the same 404 as a stranger on every page, action and file of it; and my contact reads an
 * archived packet (and its certificate) but cannot approve or decline it (400) nor withdraw the
 * approval (409). Asking on an archived packet is accepted, as the code stands: the form shows
 * and askQuestion looks at neither role nor status (an open question: these rows pin what the
 * code does today).
 */
function seeButNotActRows(w: World): Row[] {
  const { mine } = w;
  const OK = [200];
  const reads = (packetId: string, docId: string): [Method, string][] => [
    ['GET', `/p/${packetId}`],
    ['GET', `/p/${packetId}/d/${docId}`],
    ['GET', `/api/files/${docId}`],
    ['HEAD', `/api/files/${docId}`],
    ['GET', `/api/files/${docId}/page-1/800`]
  ];
  const acts = (packetId: string, docId: string) => ({
    approve: [`/p/${packetId}?/approve`, anyForm()] as const,
    decline: [`/p/${packetId}?/decline`, anyForm({ reason: 'Not for me to say' })] as const,
    withdraw: [`/p/${packetId}?/withdraw`, anyForm()] as const,
    ask: [`/p/${packetId}?/ask`, anyForm({ body: 'May I ask this?' })] as const,
    askOnDocument: [`/p/${packetId}/d/${docId}?/ask`, anyForm({ body: 'And this?' })] as const
  });
  const rowsFor = (
    who: Who,
    packetId: string,
    docId: string,
    read: number[],
    status: Record<keyof ReturnType<typeof acts>, number[]>
  ): Row[] => [
    ...reads(packetId, docId).map(([method, path]): Row => [who, method, path, read]),
    ...Object.entries(acts(packetId, docId)).map(([action, [path, form]]): Row => [
      who,
      'POST',
      path,
      status[action as keyof typeof status],
      form
    ])
  ];
  const shared = [mine.shared.id, mine.sharedDoc.id] as const;
  const archived = [mine.archived.id, mine.archivedDoc.id] as const;
  return [
    ...rowsFor('viewer', ...shared, OK, {
      approve: [403],
      decline: [403],
      withdraw: [403],
      ask: OK,
      askOnDocument: OK
    }),
    // The viewer approved nothing: no certificate.
    ['viewer', 'GET', `/p/${mine.shared.id}/certificate/1`, NF],
    ...rowsFor('expired', ...shared, NF, {
      approve: NF,
      decline: NF,
      withdraw: NF,
      ask: NF,
      askOnDocument: NF
    }),
    // ... not even the certificate of the version they approved, and their list omits it.
    ['expired', 'GET', `/p/${mine.shared.id}/certificate/1`, NF],
    ['expired', 'GET', `/p`, OK],
    ...rowsFor('contact', ...archived, OK, {
      approve: [400],
      decline: [400],
      withdraw: [409],
      ask: OK,
      askOnDocument: OK
    }),
    ['contact', 'GET', `/p/${mine.archived.id}/certificate/1`, OK]
  ];
}

type World = Awaited<ReturnType<typeof world>>;
const NF = [404];
/** A 303 to /sign-in?next=<the path>: checked below. */
const SIGN_IN = [303];

/** The matrix: one row per request, each a page, action or endpoint with someone else's ids. */
function matrixRows(w: World): Row[] {
  const { mine, neighbour: n, other: o } = w;
  return [
    // Staff of firm A, ids of firm B: pages.
    ['staff', 'GET', `/firm/clients/${o.client.id}`],
    ['staff', 'GET', `/firm/packets/${o.packet.id}`],
    ['staff', 'GET', `/firm/packets/${o.draft.id}`],
    ['staff', 'GET', `/firm/packets/${o.packet.id}/documents/${o.doc.id}`],
    ['staff', 'GET', `/firm/packets/${mine.packet.id}/documents/${o.doc.id}`],
    ['staff', 'GET', `/p/${o.packet.id}`],
    ['staff', 'GET', `/p/${o.packet.id}/d/${o.doc.id}`],
    ['staff', 'GET', `/api/files/${o.doc.id}`],
    ['staff', 'HEAD', `/api/files/${o.doc.id}`],
    ['staff', 'GET', `/api/files/${o.draftDoc.id}`],
    ['staff', 'GET', `/api/files/${o.doc.id}/page-1/800`],
    ['staff', 'GET', `/api/files/${o.draftDoc.id}/page-1/400`],
    // ... their packet's publish confirm step (who would be mailed).
    ['staff', 'GET', `/firm/packets/${o.draft.id}?publish=confirm`],
    // ... their ids in a query string: the page renders, without them.
    ['staff', 'GET', `/firm/packets/new?client=${o.client.id}`, [200]],
    // ... actions on their client and packet.
    ...(['update', 'addContact', 'updateContact', 'contactLanguage', 'removeContact'] as const).map(
      (a): Row => [
        'staff',
        'POST',
        `/firm/clients/${o.client.id}?/${a}`,
        NF,
        anyForm({ contactId: o.contact.id })
      ]
    ),
    ...(
      [
        'update',
        'removeDocument',
        'moveDocument',
        'renameDocument',
        'keepDocument',
        'publish',
        'nudge',
        'reply',
        'archive'
      ] as const
    ).map((a): Row => [
      'staff',
      'POST',
      `/firm/packets/${o.draft.id}?/${a}`,
      NF,
      anyForm({ documentId: o.draftDoc.id })
    ]),
    ['staff', 'POST', `/firm/packets/${o.packet.id}?/reply`, NF, anyForm()],
    ['staff', 'POST', `/firm/packets/${o.packet.id}?/nudge`, NF, anyForm()],
    // ... their questions, on their packet (Needs reply: reply, mark answered, reopen).
    [
      'staff',
      'POST',
      `/firm/packets/${o.asked.id}?/reply`,
      NF,
      anyForm({ replyTo: o.openQuestion.id })
    ],
    [
      'staff',
      'POST',
      `/firm/packets/${o.asked.id}?/markAnswered`,
      NF,
      anyForm({ questionId: o.openQuestion.id })
    ],
    [
      'staff',
      'POST',
      `/firm/packets/${o.asked.id}?/reopen`,
      NF,
      anyForm({ questionId: o.answeredQuestion.id })
    ],
    // ... and through my own packet.
    [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/reply`,
      NF,
      anyForm({ replyTo: o.openQuestion.id })
    ],
    [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/markAnswered`,
      NF,
      anyForm({ questionId: o.openQuestion.id, next: 'dashboard' })
    ],
    [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/reopen`,
      NF,
      anyForm({ questionId: o.answeredQuestion.id })
    ],
    // ... and my own question through another of my packets: not that packet's.
    [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/markAnswered`,
      NF,
      anyForm({ questionId: mine.question.id })
    ],
    // ... their ids inside my own forms.
    ['staff', 'POST', `/firm/clients?/archive`, NF, anyForm({ clientId: o.client.id })],
    [
      'staff',
      'POST',
      `/firm/clients/${mine.client.id}?/removeContact`,
      NF,
      anyForm({ contactId: o.contact.id })
    ],
    [
      'staff',
      'POST',
      `/firm/clients/${mine.client.id}?/updateContact`,
      NF,
      anyForm({ contactId: o.contact.id })
    ],
    // ... another firm's contact's language, through their own client.
    [
      'staff',
      'POST',
      `/firm/clients/${mine.client.id}?/contactLanguage`,
      NF,
      anyForm({ contactId: o.contact.id })
    ],
    [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/removeDocument`,
      NF,
      anyForm({ documentId: o.doc.id })
    ],
    // A nudge on my own packet to another firm's or another client's contact.
    ...[o.contact.id, n.contact.id].map((contactId): Row => [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/nudge`,
      NF,
      anyForm({ contactId })
    ]),
    [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/moveDocument`,
      NF,
      anyForm({ documentId: o.doc.id })
    ],
    // A rename of their document, or the neighbour client's, through my own packet.
    ...[o.doc.id, n.doc.id].map((documentId): Row => [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/renameDocument`,
      NF,
      anyForm({ documentId })
    ]),
    // ... or keeps their document in my packet.
    [
      'staff',
      'POST',
      `/firm/packets/${mine.packet.id}?/keepDocument`,
      NF,
      anyForm({ documentId: o.doc.id })
    ],
    // A packet for their client is refused as for an unknown client ("Choose a client").
    ['staff', 'POST', `/firm/packets/new`, [400], anyForm({ clientId: o.client.id })],
    // ... endpoints.
    ['staff', 'PDF', `/firm/packets/${o.draft.id}/documents`],
    ['staff', 'JSON', `/firm/packets/${o.draft.id}/publish`, NF, {}],
    [
      'staff',
      'JSON',
      `/firm/packets/bulk/create`,
      NF,
      { clientId: o.client.id, period: '2026-Q3', title: 'x', note: '', dueAt: '' }
    ],
    ['staff', 'POST', `/p/${o.packet.id}?/approve`, NF, anyForm()],
    ['staff', 'POST', `/p/${o.packet.id}?/withdraw`, NF, anyForm()],
    ['staff', 'POST', `/p/${o.packet.id}?/decline`, NF, anyForm({ reason: 'Not mine' })],
    ['staff', 'POST', `/p/${o.packet.id}?/ask`, NF, anyForm()],
    ['staff', 'POST', `/account?/signOut`, NF, { session: o.session.idHash }],
    ['staff', 'POST', `/account?/removePushDevice`, NF, { subscription: o.push.id }],
    // ... their staff in my settings: every member action is a 404, whoever's role.
    ['staff', 'GET', `/firm/settings`, [200]],
    ...o.members.flatMap((m): Row[] => [
      ['staff', 'POST', `/firm/settings?/remove`, NF, anyForm({ memberId: m.id })],
      ['staff', 'POST', `/firm/settings?/makeOwner`, NF, anyForm({ memberId: m.id })]
    ]),

    // A contact of client A1: the neighbour client's and the other firm's packets.
    ...[n, o].flatMap(({ packet, doc }): Row[] => [
      ['contact', 'GET', `/p/${packet.id}`],
      ['contact', 'GET', `/p/${packet.id}/d/${doc.id}`],
      ['contact', 'GET', `/p/${mine.packet.id}/d/${doc.id}`],
      ['contact', 'GET', `/api/files/${doc.id}`],
      ['contact', 'HEAD', `/api/files/${doc.id}`],
      ['contact', 'GET', `/api/files/${doc.id}/page-1/1200`],
      ['contact', 'POST', `/p/${packet.id}?/approve`, NF, anyForm()],
      ['contact', 'POST', `/p/${packet.id}?/withdraw`, NF, anyForm()],
      ['contact', 'POST', `/p/${packet.id}?/decline`, NF, anyForm({ reason: 'Not mine' })],
      ['contact', 'POST', `/p/${packet.id}?/ask`, NF, anyForm()],
      ['contact', 'POST', `/p/${packet.id}/d/${doc.id}?/ask`, NF, anyForm()],
      ['contact', 'POST', `/p/${mine.packet.id}/d/${doc.id}?/ask`, NF, anyForm()]
    ]),
    // ... a document of my own packet staged since publishing (issue 17 item 1).
    ['contact', 'GET', `/api/files/${mine.staged.id}`],
    ['contact', 'HEAD', `/api/files/${mine.staged.id}`],
    ['contact', 'GET', `/api/files/${mine.staged.id}/page-1/800`],
    ['contact', 'GET', `/p/${mine.packet.id}/d/${mine.staged.id}`],
    ['contact', 'POST', `/p/${mine.packet.id}/d/${mine.staged.id}?/ask`, NF, anyForm()],
    // ... a decision on my own packet naming a version that is not the current one (item 2).
    ...['0', '2', ''].flatMap((version): Row[] => [
      ['contact', 'POST', `/p/${mine.packet.id}?/approve`, [409], anyForm({ version })],
      ['contact', 'POST', `/p/${mine.packet.id}?/ask`, [409], anyForm({ version })],
      [
        'contact',
        'POST',
        `/p/${mine.packet.id}?/decline`,
        [409],
        anyForm({ version, reason: 'Seen on an old page' })
      ]
    ]),
    ['contact', 'GET', `/p/${o.draft.id}`],
    ['contact', 'GET', `/api/files/${o.draftDoc.id}`],
    ['contact', 'GET', `/api/files/${o.draftDoc.id}/page-1/800`],
    // ... and every staff route, even of its own firm.
    // ... their own list shows neither the neighbour's packets nor the other firm's.
    ['contact', 'GET', `/p`, [200]],
    ['contact', 'GET', `/firm`],
    ['contact', 'GET', `/firm/clients`],
    ['contact', 'GET', `/firm/clients/${mine.client.id}`],
    ['contact', 'GET', `/firm/packets/new`],
    ['contact', 'GET', `/firm/packets/bulk`],
    ['contact', 'GET', `/firm/settings`],
    ['contact', 'POST', `/firm/settings?/profile`, NF, anyForm({ brandColor: '#000000' })],
    ['contact', 'POST', `/firm/settings?/invite`, NF, anyForm()],
    ['contact', 'POST', `/firm/settings?/approvalRule`, NF, anyForm({ approvalRule: 'all' })],
    ['contact', 'POST', `/firm/settings?/language`, NF, anyForm()],
    [
      'contact',
      'POST',
      `/firm/clients/${mine.client.id}?/contactLanguage`,
      NF,
      anyForm({ contactId: mine.contact.id })
    ],
    ['contact', 'POST', `/firm/settings?/remove`, NF, anyForm({ memberId: o.members[0].id })],
    ['contact', 'GET', `/firm/packets/${mine.packet.id}`],
    ['contact', 'GET', `/firm/packets/${mine.packet.id}/documents/${mine.doc.id}`],
    ['contact', 'POST', `/firm/clients?/create`, NF, anyForm()],
    ['contact', 'POST', `/firm/clients?/archive`, NF, anyForm({ clientId: mine.client.id })],
    [
      'contact',
      'POST',
      `/firm/clients?/import`,
      NF,
      anyForm({
        csv: `client name,code,contact name,email,role\n${w.importName},${w.importName},X,x@example.test,approver\n`
      })
    ],
    ...mine.members.map((m): Row => [
      'contact',
      'POST',
      `/firm/settings?/makeOwner`,
      NF,
      anyForm({ memberId: m.id })
    ]),
    ['contact', 'POST', `/firm/clients/${mine.client.id}?/update`, NF, anyForm()],
    ['contact', 'POST', `/firm/packets/${mine.packet.id}?/reply`, NF, anyForm()],
    [
      'contact',
      'POST',
      `/firm/packets/${mine.packet.id}?/keepDocument`,
      NF,
      anyForm({ documentId: mine.staged.id })
    ],
    [
      'contact',
      'POST',
      `/firm/packets/${mine.packet.id}?/renameDocument`,
      NF,
      anyForm({ documentId: mine.doc.id })
    ],
    [
      'contact',
      'POST',
      `/firm/packets/${mine.asked.id}?/reply`,
      NF,
      anyForm({ replyTo: mine.question.id })
    ],
    ...(['markAnswered', 'reopen'] as const).map((a): Row => [
      'contact',
      'POST',
      `/firm/packets/${mine.asked.id}?/${a}`,
      NF,
      anyForm({ questionId: mine.question.id })
    ]),
    ['contact', 'POST', `/firm/packets/new`, NF, anyForm({ clientId: mine.client.id })],
    ['contact', 'PDF', `/firm/packets/${mine.packet.id}/documents`],
    ['contact', 'JSON', `/firm/packets/${mine.packet.id}/publish`, NF, {}],
    ['contact', 'JSON', `/firm/packets/bulk/create`, NF, { clientId: mine.client.id }],
    ['contact', 'POST', `/account?/signOut`, NF, { session: o.session.idHash }],
    ['contact', 'POST', `/account?/removePushDevice`, NF, { subscription: o.push.id }],
    ['ownerAsClient', 'POST', `/account?/removePushDevice`, NF, { subscription: o.push.id }],

    // Firm B's people added by firm A: the same answer as for anyone, and none of B's names.
    ...[o.quiet.email, o.staff.email].map((email): Row => [
      'staff',
      'POST',
      `/firm/clients/${mine.client.id}?/addContact`,
      [200],
      anyForm({ email, name: '' })
    ]),
    ['staff', 'GET', `/firm/clients/${mine.client.id}`, [200]],
    // ... and B's staff invited to A: refused without saying they are staff elsewhere.
    ['owner', 'POST', `/firm/settings?/invite`, [400], anyForm({ email: o.staff.email })],
    ['owner', 'GET', `/firm/settings`, [200]],

    // An owner of firm A holding a client session (a contact's link): every staff page,
    // action and endpoint sends them to sign in as staff; membership opens no file.
    ...[
      `/firm`,
      `/firm/clients`,
      `/firm/clients/${mine.client.id}`,
      `/firm/packets/new`,
      `/firm/packets/bulk`,
      `/firm/settings`,
      `/firm/packets/${mine.packet.id}`,
      `/firm/packets/${mine.packet.id}/documents/${mine.doc.id}`
    ].map((path): Row => ['ownerAsClient', 'GET', path, SIGN_IN]),
    [
      'ownerAsClient',
      'POST',
      `/firm/settings?/profile`,
      SIGN_IN,
      anyForm({ brandColor: '#000000' })
    ],
    ['ownerAsClient', 'POST', `/firm/settings?/invite`, SIGN_IN, anyForm()],
    ['ownerAsClient', 'POST', `/firm/settings?/language`, SIGN_IN, anyForm()],
    [
      'ownerAsClient',
      'POST',
      `/firm/settings?/approvalRule`,
      SIGN_IN,
      anyForm({ approvalRule: 'all' })
    ],
    ['ownerAsClient', 'POST', `/p/${n.packet.id}?/withdraw`, NF, anyForm()],
    ['ownerAsClient', 'POST', `/p/${n.packet.id}?/decline`, NF, anyForm({ reason: 'x' })],
    ...mine.members.map((m): Row => [
      'ownerAsClient',
      'POST',
      `/firm/settings?/remove`,
      SIGN_IN,
      anyForm({ memberId: m.id })
    ]),
    [
      'ownerAsClient',
      'POST',
      `/firm/clients?/archive`,
      SIGN_IN,
      anyForm({ clientId: mine.client.id })
    ],
    ['ownerAsClient', 'POST', `/firm/clients/${mine.client.id}?/update`, SIGN_IN, anyForm()],
    [
      'ownerAsClient',
      'POST',
      `/firm/packets/${mine.packet.id}?/nudge`,
      SIGN_IN,
      anyForm({ contactId: mine.contact.id })
    ],
    ['ownerAsClient', 'PDF', `/firm/packets/${mine.packet.id}/documents`, SIGN_IN],
    [
      'ownerAsClient',
      'POST',
      `/firm/packets/${mine.packet.id}?/renameDocument`,
      SIGN_IN,
      anyForm({ documentId: mine.doc.id })
    ],
    ...(['markAnswered', 'reopen'] as const).map((a): Row => [
      'ownerAsClient',
      'POST',
      `/firm/packets/${mine.asked.id}?/${a}`,
      SIGN_IN,
      anyForm({ questionId: mine.question.id })
    ]),

    // Signed out: the dashboard and every Needs reply action send them to sign in.
    ['signedOut', 'GET', `/firm`, SIGN_IN],
    ['signedOut', 'GET', `/p`, SIGN_IN],
    ['signedOut', 'POST', `/account?/signOutEverywhere`, SIGN_IN, {}],
    ['signedOut', 'POST', `/account?/language`, SIGN_IN, anyForm()],
    ['signedOut', 'POST', `/firm/settings?/language`, SIGN_IN, anyForm()],
    ['signedOut', 'POST', `/account?/removePushDevice`, SIGN_IN, { subscription: o.push.id }],
    // Another person's used link, renewed by a stranger: the one answer anyone gets, naming
    // nobody; the new link goes only to the link's own address (auth/links.test.ts).
    ['signedOut', 'POST', `/l/${w.otherUsedLink}/renew`, [200], {}],
    [
      'signedOut',
      'POST',
      `/firm/settings?/approvalRule`,
      SIGN_IN,
      anyForm({ approvalRule: 'all' })
    ],
    ['signedOut', 'POST', `/p/${mine.packet.id}?/withdraw`, SIGN_IN, anyForm()],
    ['signedOut', 'POST', `/p/${mine.packet.id}?/decline`, SIGN_IN, anyForm({ reason: 'x' })],
    ...(['reply', 'markAnswered', 'reopen'] as const).map((a): Row => [
      'signedOut',
      'POST',
      `/firm/packets/${mine.asked.id}?/${a}`,
      SIGN_IN,
      anyForm({ questionId: mine.question.id, replyTo: mine.question.id })
    ]),
    ['ownerAsClient', 'JSON', `/firm/packets/${mine.packet.id}/publish`, SIGN_IN, {}],
    ['ownerAsClient', 'JSON', `/firm/packets/bulk/create`, SIGN_IN, { clientId: mine.client.id }],
    ['ownerAsClient', 'GET', `/api/files/${n.doc.id}`],
    ['ownerAsClient', 'GET', `/api/files/${n.doc.id}/page-1/800`],
    ['ownerAsClient', 'GET', `/p/${n.packet.id}`],
    ['ownerAsClient', 'GET', `/p`, [200]],
    [
      'ownerAsClient',
      'POST',
      `/firm/packets/${mine.packet.id}?/keepDocument`,
      SIGN_IN,
      anyForm({ documentId: mine.staged.id })
    ],

    // A viewer, a guest whose access ended, an archived packet: all of my own client.
    ...seeButNotActRows(w),
    // Responsible staff members and alert preferences (issue 18).
    ...alertRows(w),
    ...auditExportRows(w),
    // Sign-off certificates and their verification (issue 21).
    ...certificateRows(w),
    // Passkeys and the staff step-up (issue 22).
    ...passkeyRows(w),
    // The firm's logo (issue 23): owners only; the served sizes are public by design.
    ...logoRows(),
    // A used link of another person (another firm's contact; my own firm's contact, opened by
    // its staff): "already used", never a redirect to its packet, never a session.
    ...(['staff', 'owner', 'contact', 'ownerAsClient', 'signedOut'] as const).flatMap(
      (who): Row[] => [
        [who, 'GET', `/l/${w.otherUsedLink}`, [200]],
        [who, 'HEAD', `/l/${w.otherUsedLink}`, [200]],
        [who, 'POST', `/l/${w.otherUsedLink}`, [410], {}]
      ]
    ),
    ...(['staff', 'owner', 'ownerAsClient'] as const).flatMap((who): Row[] => [
      [who, 'GET', `/l/${w.mineUsedLink}`, [200]],
      [who, 'POST', `/l/${w.mineUsedLink}`, [410], {}]
    ])
  ];
}

describe('IDOR matrix: another firm or client’s ids', () => {
  let w: World;
  let rows: Row[];
  beforeAll(async () => {
    w = await world();
    rows = matrixRows(w);
  });

  it('answers 404 on every page, action and endpoint, leaks no name and changes nothing', async () => {
    const { mine, neighbour: n, other: o } = w;
    // Their page-1 pictures exist: a 404 below is the access check, not a missing file.
    for (const doc of [n.doc, o.doc, o.draftDoc, mine.staged]) {
      expect(await ensurePreviews(doc.blobKey)).toBe(true);
    }

    // Staff may see the neighbour client (their own firm's); a contact may see neither.
    const leaksFor: Record<Who, string[]> = {
      staff: [w.secret, w.secret.toLowerCase()],
      owner: [w.secret, w.secret.toLowerCase(), 'another firm', 'staff at', 'staff elsewhere'],
      contact: [w.secret, w.secret.toLowerCase(), w.neighbourName, w.stagedName],
      ownerAsClient: [w.secret, w.secret.toLowerCase(), w.neighbourName],
      signedOut: [w.secret, w.secret.toLowerCase(), w.neighbourName, 'My own question'],
      viewer: [w.secret, w.secret.toLowerCase(), w.neighbourName, w.stagedName],
      expired: [
        w.secret,
        w.secret.toLowerCase(),
        w.neighbourName,
        w.stagedName,
        mine.sharedTitle,
        'Own packet'
      ]
    };
    const failures: string[] = [];
    for (const [who, method, path, expected = NF, form] of rows) {
      const browser = {
        staff: w.staff,
        owner: w.owner,
        contact: w.contact,
        ownerAsClient: w.ownerAsClient,
        signedOut: w.signedOut,
        viewer: w.viewer,
        expired: w.expired
      }[who];
      const headers = { accept: 'text/html' };
      const response =
        method === 'GET' || method === 'HEAD'
          ? await browser.request(method, path, { headers })
          : method === 'POST'
            ? await browser.post(path, form, headers)
            : method === 'JSON'
              ? await browser.request('POST', path, {
                  body: JSON.stringify(form),
                  headers: { 'content-type': 'application/json' }
                })
              : await browser.request('POST', path, {
                  body: new Blob([new TextEncoder().encode('%PDF-1.4\n%%EOF\n')]),
                  headers: { 'content-type': 'application/pdf', 'x-filename': 'x.pdf' }
                });
      const label = `${who} ${method} ${path}`;
      if (!expected.includes(response.status)) failures.push(`${label}: ${response.status}`);
      const signIn = `/sign-in?next=${encodeURIComponent(path)}`;
      if (response.status === 303 && response.location !== signIn) {
        failures.push(`${label}: 303 to ${response.location}`);
      }
      const leaked = leaksFor[who].find((l) => response.text.includes(l));
      if (leaked) failures.push(`${label}: body shows "${leaked}"`);
    }
    expect(failures).toEqual([]);
    expect(rows.length).toBeGreaterThan(80);

    // Nothing changed on the other side.
    const db = getDb();
    const [client] = await db.select().from(s.client).where(eq(s.client.id, o.client.id));
    expect(client).toMatchObject({ name: `${w.secret} Other Client`, archivedAt: null });
    const firms = await db.select().from(s.firm).where(eq(s.firm.id, mine.firm.id));
    expect(firms.map((f) => f.approvalRule)).toEqual(['any']);
    expect(firms.map((f) => f.staffPasskeyRequired)).toEqual([false]);
    expect(firms.map((f) => f.locale)).toEqual(['en']);
    const contacts = await db
      .select({ locale: s.clientContact.locale })
      .from(s.clientContact)
      .where(inArray(s.clientContact.id, [o.contact.id, mine.contact.id]));
    expect(contacts.map((c) => c.locale)).toEqual([null, null]);
    // Every passkey is still there, as it was named; nobody got a passkey session.
    for (const p of Object.values(w.passkeys)) {
      expect(await db.select().from(s.passkey).where(eq(s.passkey.id, p.id))).toEqual([p]);
    }
    for (const p of Object.values(w.passkeys)) {
      const sessions = await db.select().from(s.session).where(eq(s.session.userId, p.userId));
      expect(sessions.filter((x) => x.signInMethod === 'passkey')).toEqual([]);
    }
    const [draft] = await db.select().from(s.packet).where(eq(s.packet.id, o.draft.id));
    expect(draft).toMatchObject({ status: 'draft', title: `${w.secret} draft` });
    const docs = await db.select().from(s.document).where(eq(s.document.packetId, o.draft.id));
    expect(docs.map((d) => [d.id, d.removedAt])).toEqual([[o.draftDoc.id, null]]);
    // No rename landed: theirs, the neighbour's, nor my own by a contact.
    for (const doc of [o.doc, o.draftDoc, n.doc, mine.doc]) {
      const [row] = await db.select().from(s.document).where(eq(s.document.id, doc.id));
      expect(row.displayName).toBe(doc.displayName);
    }
    const [contact] = await db
      .select()
      .from(s.clientContact)
      .where(eq(s.clientContact.id, o.contact.id));
    expect(contact).toMatchObject({
      clientId: o.client.id,
      role: o.contact.role,
      name: `${w.secret} Other Contact`
    });
    // Firm A added B's people without renaming them.
    for (const [id, name] of [
      [o.quiet.id, `${w.secret} Quiet Contact`],
      [o.staff.id, `${w.secret} Other Staff`]
    ]) {
      const [person] = await db.select().from(s.user).where(eq(s.user.id, id));
      expect(person.name).toBe(name);
    }
    for (const packetId of [o.packet.id, n.packet.id, o.draft.id, mine.packet.id]) {
      expect(await db.select().from(s.decision).where(eq(s.decision.packetId, packetId))).toEqual(
        []
      );
      expect(await db.select().from(s.comment).where(eq(s.comment.packetId, packetId))).toEqual([]);
    }
    expect(
      await db
        .select()
        .from(s.packet)
        .where(and(eq(s.packet.clientId, o.client.id)))
    ).toHaveLength(4);
    expect(
      await db.select().from(s.clientContact).where(eq(s.clientContact.clientId, o.client.id))
    ).toHaveLength(1);
    expect(await db.select().from(s.membership).where(eq(s.membership.firmId, o.firm.id))).toEqual(
      o.members
    );
    const [session] = await db
      .select()
      .from(s.session)
      .where(eq(s.session.idHash, o.session.idHash));
    expect(session).toBeDefined();
    // Their device still gets notifications.
    expect(
      await db.select().from(s.pushSubscription).where(eq(s.pushSubscription.id, o.push.id))
    ).toEqual([o.push]);
    // Questions stayed as they were: theirs open and answered, mine open, no reply written.
    const question = async (id: string) =>
      (await db.select().from(s.comment).where(eq(s.comment.id, id)))[0];
    expect(await question(o.openQuestion.id)).toEqual(o.openQuestion);
    expect(await question(o.answeredQuestion.id)).toEqual(o.answeredQuestion);
    expect(await question(mine.question.id)).toEqual(mine.question);
    for (const packetId of [o.asked.id, mine.asked.id]) {
      const rows = await db.select().from(s.comment).where(eq(s.comment.packetId, packetId));
      expect(rows.filter((c) => c.authorKind === 'staff')).toEqual([]);
    }
    expect(
      await db
        .select()
        .from(s.auditEvent)
        .where(eq(s.auditEvent.subject, `packet:${o.asked.id}`))
    ).toEqual([]);
    // The used links started no session for their people: each has only the one made above.
    for (const userId of [o.contact.userId, mine.contactUser.id]) {
      expect(await db.select().from(s.session).where(eq(s.session.userId, userId))).toHaveLength(1);
    }
    // Nobody else was nudged; a contact archived, imported and promoted nothing in my firm.
    const nudged = await selectOutbox(db).where(eq(s.outbox.kind, 'nudge'));
    expect(nudged.filter((m) => m.firmId === mine.firm.id)).toEqual([]);
    for (const contactId of [o.contact.id, n.contact.id]) {
      expect(
        await db.select().from(s.delivery).where(eq(s.delivery.contactId, contactId))
      ).toMatchObject([{ reminders: 0, lastRemindedAt: null }]);
    }
    const [myClient] = await db.select().from(s.client).where(eq(s.client.id, mine.client.id));
    expect(myClient.archivedAt).toBeNull();
    // Nobody outside firm A, nor firm B's member, became responsible for anything.
    expect(myClient.responsibleUserId).toBe(mine.staffUser.id);
    expect(client.responsibleUserId).toBeNull();
    expect(await db.select().from(s.client).where(eq(s.client.code, w.importName))).toEqual([]);
    expect(
      await db.select().from(s.membership).where(eq(s.membership.firmId, mine.firm.id))
    ).toEqual(mine.members);
    // The viewer asked (twice) and decided nothing; the guest's old approval stands as it was;
    // on the archived packet my contact asked (twice) and my approval was not withdrawn.
    const decided = async (packetId: string) =>
      (await db.select().from(s.decision).where(eq(s.decision.packetId, packetId)))
        .map((d) => `${d.contactId} ${d.kind} v${d.version} withdrawn:${d.withdrawnAt}`)
        .sort();
    const decision = (contactId: string, kind: string) => `${contactId} ${kind} v1 withdrawn:null`;
    expect(await decided(mine.shared.id)).toEqual(
      [
        decision(mine.expiredContact.id, 'approve'),
        decision(mine.viewerContact.id, 'question'),
        decision(mine.viewerContact.id, 'question')
      ].sort()
    );
    expect(await decided(mine.archived.id)).toEqual(
      [
        decision(mine.contact.id, 'approve'),
        decision(mine.contact.id, 'question'),
        decision(mine.contact.id, 'question')
      ].sort()
    );
    const askedBy = async (packetId: string) =>
      (await db.select().from(s.comment).where(eq(s.comment.packetId, packetId))).map(
        (c) => c.authorId
      );
    expect(await askedBy(mine.shared.id)).toEqual([
      mine.viewerContact.userId,
      mine.viewerContact.userId
    ]);
    expect(await askedBy(mine.archived.id)).toEqual([mine.contactUser.id, mine.contactUser.id]);
    for (const [p, status] of [
      [mine.shared, 'published'],
      [mine.archived, 'archived']
    ] as const) {
      const [row] = await db.select().from(s.packet).where(eq(s.packet.id, p.id));
      expect(row).toMatchObject({ status, version: 1, updatedAt: p.updatedAt });
    }
    for (const c of [mine.viewerContact, mine.expiredContact]) {
      const [row] = await db.select().from(s.clientContact).where(eq(s.clientContact.id, c.id));
      expect(row).toEqual(c);
    }
    // And my own things still work, so the 404s above are not a broken app.
    expect((await w.staff.get(`/firm/packets/${mine.packet.id}`)).status).toBe(200);
    const ownNudge = await w.staff.post(
      `/firm/packets/${mine.packet.id}?/nudge`,
      { contactId: mine.contact.id },
      { accept: 'text/html' }
    );
    expect(ownNudge.status).toBe(200);
    const [mail] = await selectOutbox(db)
      .where(eq(s.outbox.kind, 'nudge'))
      .then((rows) => rows.filter((m) => m.firmId === mine.firm.id));
    expect((mail.payload as { to: string }).to).toBe(mine.contactUser.email);
    const ownAnswer = await w.staff.post(
      `/firm/packets/${mine.asked.id}?/markAnswered`,
      { questionId: mine.question.id },
      { accept: 'text/html' }
    );
    expect(ownAnswer.status).toBe(200);
    expect((await question(mine.question.id)).answeredBy).toBe(mine.staffUser.id);
    expect((await w.contact.get(`/p/${mine.packet.id}`)).status).toBe(200);
    expect((await w.contact.get(`/api/files/${mine.doc.id}`)).status).toBe(200);
    expect((await w.contact.get(`/api/files/${mine.doc.id}/page-1/800`)).status).toBe(200);
  });

  it('has a row for every load, action and endpoint in src/routes', () => {
    const entries = readRouteMap();
    const key = (e: { pattern: string; name: string }) => `${e.pattern} ${e.name}`;
    const covered = new Set<string>();
    const unrouted: string[] = [];
    for (const [, method, path] of rows) {
      const entry = entryFor(
        entries,
        method === 'GET' || method === 'HEAD' ? method : 'POST',
        path
      );
      if (entry) covered.add(key(entry));
      else unrouted.push(`${method} ${path}`);
    }
    expect(unrouted, 'rows that reach no route file').toEqual([]);
    const missing = entries
      .map(key)
      .filter((k) => !covered.has(k) && !(k in NO_ROW_NEEDED))
      .map((k) => `${k} (${entries.find((e) => key(e) === k)!.file})`);
    expect(missing, 'routes without a row in the IDOR matrix (or in NO_ROW_NEEDED)').toEqual([]);
    // The allow-list names only routes that exist, and none that has a row anyway.
    const known = new Set(entries.map(key));
    expect(Object.keys(NO_ROW_NEEDED).filter((k) => !known.has(k) || covered.has(k))).toEqual([]);
    expect(entries.length).toBeGreaterThan(50);
  });
});
