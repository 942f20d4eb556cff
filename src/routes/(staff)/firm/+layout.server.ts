import { offerDue } from '$lib/passkeys/offer';
import { zoneOrUtc } from '$lib/format/time-zone';
import { requireStaff } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db/client';
import { countNeedsReply } from '$lib/server/packets/needs-reply';
import { logoView } from '$lib/server/firm/logo-key';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const { user, firm, membership } = await requireStaff(event);
  return {
    needsReply: await countNeedsReply(getDb(), firm.id),
    staff: { name: user.name, email: user.email, role: membership.role },
    // A link or code sign-in is offered a passkey until this device answers (PasskeyOffer),
    // unless a passkey has confirmed the session.
    passkeyOffer: offerDue(event.locals.session, event.request.headers.get('cookie')),
    firm: {
      name: firm.name,
      slug: firm.slug,
      brandColor: firm.brandColor,
      logo: logoView(firm.logo),
      timeZone: zoneOrUtc(firm.timeZone)
    }
  };
};
