import { eq } from 'drizzle-orm';
import { recordAudit } from '../../audit';
import type { Db } from '../../db/client';
import { user } from '../../db/schema';
import { isStaffPath } from '../guards';
import { isSafeRedirect } from '../magic-link';
import { createSession, type SessionKind } from '../session';
import { findSignInAccount, type RequestMeta } from '../sign-in';
import { confirmSession } from './ceremonies';

/**
 * Starts the session a verified passkey grants, by the rules of an emailed sign-in link: a
 * member of a firm gets a staff session (unless `next` leads into the client portal), a current
 * contact a client session; anyone else (access ended since) none. The session counts as
 * confirmed with a passkey (the staff step-up).
 */
export async function startSessionFromPasskey(
  db: Db,
  input: { userId: string; passkeyId: string; next: string | null } & RequestMeta
) {
  const [person] = await db.select().from(user).where(eq(user.id, input.userId)).limit(1);
  const account = person ? await findSignInAccount(db, person.email) : null;
  if (!account) return null;
  const wanted = input.next && isSafeRedirect(input.next) ? input.next : null;
  const redirectTo = wanted && (account.isStaff || !isStaffPath(wanted)) ? wanted : account.home;
  const portalTarget = redirectTo === '/p' || redirectTo.startsWith('/p/');
  const kind: SessionKind = account.isStaff && !portalTarget ? 'staff' : 'client';
  const created = await createSession(db, input.userId, kind, {
    ip: input.ip,
    userAgent: input.userAgent,
    signInMethod: 'passkey'
  });
  await confirmSession(db, created.session.idHash);
  const base = {
    firmId: account.firm.id,
    actorId: input.userId,
    subject: `user:${input.userId}`,
    ip: input.ip,
    ua: input.userAgent
  };
  await recordAudit(db, {
    ...base,
    action: 'auth.passkey_used',
    data: { passkeyId: input.passkeyId, ceremony: 'sign_in' }
  });
  await recordAudit(db, {
    ...base,
    action: 'auth.session_started',
    data: { kind, via: 'passkey' }
  });
  return { ...created, redirectTo, kind };
}
