// A link tapped again (or late) in a browser already signed in as its person: straight on to
// where it leads (DESIGN.md, "A re-tapped link never strands anyone").
import { recordAudit } from '../audit';
import type { Db } from '../db/client';
import type { Session } from '../db/schema';
import { isStaffPath } from './guards';
import type { FoundLink } from './magic-link';
import type { RequestMeta } from './sign-in';

/**
 * True when this browser's session is the link's person's and opens the link's target: a staff
 * path needs a staff session; a portal path opens with any session of that person (the portal
 * asks who, not how: requireContact).
 */
export function sessionOpensLink(
  session: Pick<Session, 'userId' | 'kind'> | null,
  link: Pick<FoundLink, 'userId' | 'redirectTo'>
): boolean {
  if (!session || session.userId !== link.userId) return false;
  return !isStaffPath(link.redirectTo) || session.kind === 'staff';
}

/**
 * Records that a link was opened by its person's existing session: nothing else changes (the
 * link stays as it was, no session starts, no mail goes), so the trail is all there is of it.
 */
export async function recordLinkReopened(db: Db, link: FoundLink, meta: RequestMeta) {
  await recordAudit(db, {
    action: 'auth.link_reopened',
    firmId: link.firmId,
    actorId: link.userId,
    subject: link.packetId ? `packet:${link.packetId}` : `user:${link.userId}`,
    ip: meta.ip,
    ua: meta.userAgent,
    data: { purpose: link.purpose, state: link.state }
  });
}
