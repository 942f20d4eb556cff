// One language's browser messages (scripts/messages-by-locale.js): every message's function for
// that language, by the message's name. locale-messages.svelte.ts gives them their type.
declare module 'virtual:sheaf-messages/*';
