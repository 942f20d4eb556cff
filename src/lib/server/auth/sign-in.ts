import { and, asc, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit';
import { currentSnapshot } from '../review/published';
import type { Db } from '../db/client';
import {
  client,
  clientContact,
  firm,
  magicLink,
  membership,
  packet,
  packetVersion,
  user
} from '../db/schema';
import type { Firm, MagicLink } from '../db/schema';
import { enqueueEmail } from '../email/outbox';
import { firmEnvelope } from '../email/sender';
import { renderMagicLinkEmail } from '../email/templates/magic-link';
import type { Locale } from '../../i18n/locale';
import { m } from '../../paraglide/messages.js';
import { contactLocale } from '../i18n/contact-locale';
import { contactIsActive, isStaffPath } from './guards';
import { packetLinkExpiresAt } from './link-lifetime';
import { isSafeRedirect, issueMagicLink, LINK_TTL_MS } from './magic-link';
import {
  consumeRateLimit,
  consumeRateLimits,
  ipRateLimitKey,
  LIMITS,
  rateLimitKey,
  type RateLimitResult
} from './rate-limit';
import { createSession, type SessionKind } from './session';

/**
 * Every sign-in request and new-link request takes at least this long, whether or not the
 * address has access, so response time reveals nothing (bench/sign-in-timing.ts measures it).
 */
export const MIN_REQUEST_MS = 150;

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** Who may sign in, the firm whose name the mail carries, and where they land by default. */
export async function findSignInAccount(db: Db, email: string) {
  const [account] = await db
    .select({ id: user.id, email: user.email, name: user.name })
    .from(user)
    .where(eq(user.email, email))
    .limit(1);
  if (!account) return null;
  const [staff] = await db
    .select({ firm })
    .from(membership)
    .innerJoin(firm, eq(firm.id, membership.firmId))
    .where(eq(membership.userId, account.id))
    .orderBy(asc(membership.createdAt))
    .limit(1);
  if (staff) return { user: account, firm: staff.firm, isStaff: true, home: '/firm' };
  const [contact] = await db
    .select({ firm })
    .from(clientContact)
    .innerJoin(firm, eq(firm.id, clientContact.firmId))
    .where(and(eq(clientContact.userId, account.id), contactIsActive()))
    .orderBy(asc(clientContact.createdAt))
    .limit(1);
  if (contact) return { user: account, firm: contact.firm, isStaff: false, home: '/p' };
  return null;
}

async function padTo(started: number, ms = MIN_REQUEST_MS) {
  const left = started + ms - performance.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

function signInMail(
  firmRow: Firm,
  url: string,
  code: string | null,
  expiresAt: Date,
  locale: Locale
) {
  const o = { locale };
  return renderMagicLinkEmail({
    firmName: firmRow.name,
    brandColor: firmRow.brandColor,
    logo: firmRow.logo,
    heading: m.mail_sign_in_heading({ firm: firmRow.name }, o),
    intro: code ? m.mail_sign_in_intro_code({}, o) : m.mail_sign_in_intro({}, o),
    buttonLabel: m.sign_in({}, o),
    url,
    code,
    expiresAt,
    timeZone: firmRow.timeZone,
    locale
  });
}

/** A sign-in mail's language: a contact's (their firm's setting); staff mail stays English. */
function signInLocale(db: Db, account: { isStaff: boolean; user: { id: string } }, f: Firm) {
  return account.isStaff
    ? Promise.resolve('en' as const)
    : contactLocale(db, f.id, account.user.id);
}

/**
 * Handles a sign-in form: rate limits, then, only when the address has access, a sign-in link
 * and its mail. The caller answers identically either way; this takes the same time either way.
 */
export async function requestSignIn(
  db: Db,
  input: { email: string; next?: string | null; bindingHash: string } & RequestMeta
): Promise<RateLimitResult> {
  const started = performance.now();
  const limited = await consumeRateLimits(db, [
    [ipRateLimitKey('signin-ip', input.ip), LIMITS.signInIp],
    [rateLimitKey('signin-addr-m', input.email), LIMITS.signInAddressMinute],
    [rateLimitKey('signin-addr-h', input.email), LIMITS.signInAddressHour]
  ]);
  if (!limited.ok) return limited;
  const account = await findSignInAccount(db, input.email);
  // A spray of a firm's known addresses from many IPs passes the per-IP and per-address buckets;
  // the firm's own bucket caps the mail it makes Sheaf send in the firm's name. Refused quietly:
  // the answer stays the same as for any address, so it says nothing about who has access.
  const firmAllows =
    account &&
    (await consumeRateLimit(db, rateLimitKey('signin-firm', account.firm.id), LIMITS.signInFirm))
      .ok;
  if (account && !firmAllows) {
    console.warn(
      `[sign-in] firm ${account.firm.slug}: more than ${LIMITS.signInFirm.capacity} sign-in mails within the hour; no mail sent`
    );
  }
  if (account && firmAllows) {
    // A staff page is asked for only by staff: anyone else lands on their own documents.
    const wanted = input.next && isSafeRedirect(input.next) ? input.next : null;
    const next = wanted && (account.isStaff || !isStaffPath(wanted)) ? wanted : account.home;
    await db.transaction(async (tx) => {
      const link = await issueMagicLink(tx, {
        userId: account.user.id,
        purpose: 'sign_in',
        firmId: account.firm.id,
        redirectTo: next,
        bindingHash: input.bindingHash,
        ip: input.ip,
        userAgent: input.userAgent
      });
      const locale = await signInLocale(tx, account, account.firm);
      const mail = signInMail(account.firm, link.url, link.code, link.expiresAt, locale);
      await enqueueEmail(tx, {
        kind: 'sign_in',
        to: account.user.email,
        subject: m.mail_sign_in_link_subject({ firm: account.firm.name }, { locale }),
        ...mail,
        ...firmEnvelope(account.firm)
      });
      await recordAudit(tx, {
        action: 'auth.link_sent',
        firmId: account.firm.id,
        actorId: account.user.id,
        subject: `user:${account.user.id}`,
        ip: input.ip,
        ua: input.userAgent,
        data: { purpose: 'sign_in' }
      });
    });
  }
  await padTo(started);
  return { ok: true };
}

/**
 * "Email me a new link" from an expired, used or unknown link: mails a fresh link of the same
 * kind to the address the old one belonged to. Reveals nothing; takes the same time either way.
 */
export async function requestNewLink(
  db: Db,
  input: { old: MagicLink | null; tokenKey: string; bindingHash: string } & RequestMeta
): Promise<RateLimitResult> {
  const started = performance.now();
  const limited = await consumeRateLimits(db, [
    [ipRateLimitKey('newlink-ip', input.ip), LIMITS.newLinkIp],
    [rateLimitKey('newlink-token', input.tokenKey), LIMITS.newLinkToken]
  ]);
  if (!limited.ok) return limited;
  const old = input.old;
  const [owner] = old?.userId
    ? await db.select().from(user).where(eq(user.id, old.userId)).limit(1)
    : [];
  const account = owner ? await findSignInAccount(db, owner.email) : null;
  if (old && account) {
    await db.transaction(async (tx) => {
      const target = await renewalTarget(tx, old, account);
      const link = await issueMagicLink(tx, {
        userId: account.user.id,
        purpose: target.purpose,
        firmId: target.firm?.id ?? account.firm.id,
        packetId: target.packetId,
        redirectTo: target.redirectTo,
        ttlMs: target.ttlMs,
        expiresAt: target.expiresAt,
        bindingHash: input.bindingHash,
        ip: input.ip,
        userAgent: input.userAgent
      });
      const f = target.firm ?? account.firm;
      const locale = await signInLocale(tx, account, f);
      const o = { locale };
      const words = { title: target.packetTitle ?? '', firm: f.name };
      const mail = target.packetTitle
        ? renderMagicLinkEmail({
            firmName: f.name,
            brandColor: f.brandColor,
            logo: f.logo,
            heading: m.mail_fresh_heading(words, o),
            intro: m.mail_fresh_intro(words, o),
            buttonLabel: m.mail_open_review({}, o),
            url: link.url,
            code: link.code,
            expiresAt: link.expiresAt,
            timeZone: f.timeZone,
            locale
          })
        : signInMail(f, link.url, link.code, link.expiresAt, locale);
      await enqueueEmail(tx, {
        kind: target.purpose,
        to: account.user.email,
        subject: target.packetTitle
          ? m.mail_fresh_subject(words, o)
          : m.mail_sign_in_subject(words, o),
        ...mail,
        ...firmEnvelope(f)
      });
      await recordAudit(tx, {
        action: 'auth.link_sent',
        firmId: f.id,
        actorId: account.user.id,
        subject: `user:${account.user.id}`,
        ip: input.ip,
        ua: input.userAgent,
        data: { purpose: target.purpose, renewed: old.id }
      });
    });
  }
  await padTo(started);
  return { ok: true };
}

/**
 * A packet link is renewed as a packet link while the packet is still theirs; else sign-in (an
 * alert link: a sign-in link keeping its redirect; /firm still asks for membership).
 */
async function renewalTarget(
  db: Db,
  old: MagicLink,
  account: { user: { id: string }; isStaff: boolean; home: string }
) {
  const userId = account.user.id;
  if (old.purpose === 'packet' && old.packetId) {
    const [row] = await db
      .select({ packet, firm, title: packetVersion.title, dueAt: packetVersion.dueAt })
      .from(packet)
      .innerJoin(firm, eq(firm.id, packet.firmId))
      .innerJoin(packetVersion, currentSnapshot())
      .innerJoin(client, eq(client.id, packet.clientId))
      .innerJoin(clientContact, eq(clientContact.clientId, client.id))
      .where(
        and(
          eq(packet.id, old.packetId),
          eq(packet.status, 'published'),
          eq(clientContact.userId, userId),
          contactIsActive()
        )
      )
      .limit(1);
    if (row) {
      return {
        purpose: 'packet' as const,
        packetId: row.packet.id,
        packetTitle: row.title,
        firm: row.firm,
        redirectTo: old.redirectTo,
        // Until the published due date plus the firm's grace, as the packet's own mails.
        expiresAt: packetLinkExpiresAt(row.firm, row.dueAt)
      };
    }
  }
  return {
    purpose: 'sign_in' as const,
    packetId: null,
    packetTitle: null,
    firm: null,
    // An alert link comes back as a staff sign-in link to the same thread; a staff page only
    // for staff, as a sign-in request (someone who left lands on their own documents).
    redirectTo: renewedRedirect(old, account),
    ttlMs: LINK_TTL_MS.sign_in
  };
}

function renewedRedirect(old: MagicLink, account: { isStaff: boolean; home: string }) {
  const kept = old.purpose === 'sign_in' || old.purpose === 'alert' ? old.redirectTo : '/p';
  return isStaffPath(kept) && !account.isStaff ? account.home : kept;
}

/**
 * Starts the session a consumed link grants. Staff session (7 days) when the user is a member
 * of a firm and the link is a sign-in or invite link that does not lead into the client portal
 * (/p: a colleague's invite leads to /firm); every other link (a contact's invite, packet, /p
 * sign-in) starts a client session (30 days, sliding). An alert link starts a staff session only
 * while its user is still a member of the link's firm; otherwise null (no session at all).
 */
export async function startSessionFromLink(
  db: Db,
  link: MagicLink,
  meta: RequestMeta & { via: 'link' | 'code' }
) {
  const userId = link.userId;
  if (!userId) throw new Error('link has no user');
  const [member] = await db
    .select({ one: sql`1` })
    .from(membership)
    .where(eq(membership.userId, userId))
    .limit(1);
  if (link.purpose === 'alert') {
    const [stillMember] = link.firmId
      ? await db
          .select({ one: sql`1` })
          .from(membership)
          .where(and(eq(membership.userId, userId), eq(membership.firmId, link.firmId)))
          .limit(1)
      : [];
    if (!stillMember) {
      await recordAudit(db, {
        action: 'auth.link_refused',
        firmId: link.firmId,
        actorId: userId,
        subject: `user:${userId}`,
        ip: meta.ip,
        ua: meta.userAgent,
        data: { purpose: link.purpose, reason: 'not_a_member' }
      });
      // Nobody used it: it ended with the membership, and a late tap says "expired".
      await db
        .update(magicLink)
        .set({ usedAt: null, expiresAt: sql`now()` })
        .where(eq(magicLink.id, link.id));
      return null;
    }
  }
  const portalTarget = link.redirectTo === '/p' || link.redirectTo.startsWith('/p/');
  const staffLink =
    link.purpose === 'sign_in' || link.purpose === 'invite' || link.purpose === 'alert';
  const kind: SessionKind = member && staffLink && !portalTarget ? 'staff' : 'client';
  const created = await createSession(db, userId, kind, { ...meta, signInMethod: meta.via });
  const base = { firmId: link.firmId, actorId: userId, ip: meta.ip, ua: meta.userAgent };
  await recordAudit(db, {
    ...base,
    action: 'auth.link_used',
    subject: link.packetId ? `packet:${link.packetId}` : `user:${userId}`,
    data: { purpose: link.purpose, via: meta.via }
  });
  await recordAudit(db, {
    ...base,
    action: 'auth.session_started',
    subject: `user:${userId}`,
    data: { kind }
  });
  return { ...created, redirectTo: link.redirectTo, kind };
}
