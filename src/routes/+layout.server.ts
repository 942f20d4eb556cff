import type { LayoutServerLoad } from './$types';

// The language every page speaks; the browser's message functions read it (hooks.client.ts).
// `home` is where "home" leads the person (the error page, /account): a client's packets,
// staff's firm, the front page only when signed out.
export const load: LayoutServerLoad = ({ locals, url }) => {
  // Read again on every navigation (reading the path makes SvelteKit do so): a page before may
  // have spoken another language (a link's page remembers its contact's), or signed someone in.
  void url.pathname;
  return {
    locale: locals.locale,
    home:
      locals.session?.kind === 'client' ? '/p' : locals.session?.kind === 'staff' ? '/firm' : '/'
  };
};
