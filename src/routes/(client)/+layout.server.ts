import { offerDue } from '$lib/passkeys/offer';
import { requireUser } from '$lib/server/auth/guards';
import type { LayoutServerLoad } from './$types';

// Redirects the signed-out to /sign-in and back. Each page below checks access itself.
export const load: LayoutServerLoad = (event) => {
  const user = requireUser(event);
  return {
    user: { name: user.name, email: user.email },
    // A link or code sign-in is offered a passkey until this device answers (PasskeyOffer),
    // unless a passkey has confirmed the session.
    passkeyOffer: offerDue(event.locals.session, event.request.headers.get('cookie'))
  };
};
