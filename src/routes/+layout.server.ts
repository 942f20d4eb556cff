import type { LayoutServerLoad } from './$types';

// The language every page speaks; the browser's message functions read it (hooks.client.ts).
export const load: LayoutServerLoad = ({ locals }) => ({ locale: locals.locale });
