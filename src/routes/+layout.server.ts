import type { LayoutServerLoad } from './$types';

// The language every page speaks; the browser's message functions read it (hooks.client.ts).
// `home` is where "home" leads the person (the error page, /account): a client's packets,
// staff's firm, the front page only when signed out.
export const load: LayoutServerLoad = ({ locals }) => ({
  locale: locals.locale,
  home: locals.session?.kind === 'client' ? '/p' : locals.session?.kind === 'staff' ? '/firm' : '/'
});
