/**
 * An email address cut where a line may sensibly break: after the @ and before each dot
 * ('ann.lee@mail.example' -> ['ann', '.lee@', 'mail', '.example']). Joined, the pieces are the
 * address again.
 */
export function emailBreakPieces(email: string): string[] {
  return email.split(/(?=\.)|(?<=@)/).filter(Boolean);
}

// No characters that would need quoting in a mail header, a dot in the domain and a top-level
// domain of two letters or more: what a person types as an address, not all RFC 5322 allows.
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]{2,}$/;

/**
 * An email address as Sheaf stores and compares it (trimmed, lower-case), or null when the text
 * is not one. Sign-in, setup, staff invites and contacts all use this one rule.
 */
export function normaliseEmail(raw: unknown): string | null {
  const email = String(raw ?? '')
    .trim()
    .toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : null;
}
