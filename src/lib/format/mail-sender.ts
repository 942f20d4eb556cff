// A mail's sender, as a person reads it and as a header carries it. Shared by the server (every
// firm mail's From) and the settings page's live preview.
import { singleLine } from './words';

/** The longest sender name a firm may set. */
export const MAX_SENDER_NAME = 80;

/** The From name of a firm's mail: the one it set, else "<firm name> via Sheaf". */
export function senderDisplayName(firmName: string, senderName: string | null | undefined) {
  const own = singleLine(senderName ?? '');
  return own || `${singleLine(firmName)} via Sheaf`;
}

/** Why a sender name cannot be used, or null when it can. */
export function senderNameProblem(name: string): string | null {
  if (name.length > MAX_SENDER_NAME) return `At most ${MAX_SENDER_NAME} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(name)) return 'Use one line, with no line breaks.';
  if (/[<>\\]/.test(name)) return 'Leave out < > and \\: mail programs read them as an address.';
  return null;
}

/**
 * `"Display Name" <address>`, the RFC 5322 name-addr form. The name is always a quoted-string:
 * control characters (CR and LF above all, so nothing can start another header) become spaces,
 * and `\` and `"` are escaped. Non-ASCII stays UTF-8: Postmark takes JSON and writes the MIME
 * header itself, encoding it. An address holding anything but a plain addr-spec is refused.
 */
export function formatMailbox(name: string, address: string): string {
  const addr = address.trim();
  if (!/^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+$/.test(addr)) {
    throw new Error(`not a plain mail address: ${JSON.stringify(address)}`);
  }
  const shown = singleLine(name).replace(/[\\"]/g, (c) => `\\${c}`);
  return shown ? `"${shown}" <${addr}>` : addr;
}

/**
 * The name and address of a From such as MAIL_FROM: `Name <a@b>`, `"Name" <a@b>` or `a@b`.
 * Quotes and escapes in the name are undone.
 */
export function parseMailbox(header: string): { name: string; address: string } {
  const angle = /^(.*?)\s*<([^<>]+)>\s*$/.exec(header.trim());
  if (!angle) return { name: '', address: header.trim() };
  let name = angle[1].trim();
  if (/^".*"$/.test(name)) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  return { name: singleLine(name), address: angle[2].trim() };
}

/** The domain of an address, lower-cased ("" when there is none). */
export function addressDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .trim()
        .toLowerCase()
        .replace(/\.$/, '');
}

/**
 * The From line as a reader sees it, for the settings page's live preview: the name that would
 * be used and the address (the typed one when it looks like an address, else the default).
 */
export function senderPreview(input: {
  firmName: string;
  senderName: string;
  fromEmail: string;
  defaultAddress: string;
}): string {
  const own = input.fromEmail.trim().toLowerCase();
  const address = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(own) ? own : input.defaultAddress;
  return `${senderDisplayName(input.firmName, input.senderName)} <${address}>`;
}
