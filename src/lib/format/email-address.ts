/**
 * An email address cut where a line may sensibly break: after the @ and before each dot
 * ('ann.lee@mail.example' -> ['ann', '.lee@', 'mail', '.example']). Joined, the pieces are the
 * address again.
 */
export function emailBreakPieces(email: string): string[] {
  return email.split(/(?=\.)|(?<=@)/).filter(Boolean);
}
