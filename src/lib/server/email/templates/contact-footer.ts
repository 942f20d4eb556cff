import type { Locale } from '../../../i18n/locale';
import { m } from '../../../paraglide/messages.js';
import { endSentence } from '../../../format/words';

/**
 * The closing lines of every mail to a client contact (invite and packet mails): why they get
 * it, and one safety line that is true of these links (they sign in without a password) rather
 * than generic boilerplate.
 */
export function contactFooter(
  firmName: string,
  clientName: string,
  code = false,
  locale: Locale = 'en'
): string[] {
  const o = { locale };
  const why = clientName
    ? m.mail_footer_why_client({ firm: firmName, client: endSentence(clientName) }, o)
    : m.mail_footer_why({ firm: firmName }, o);
  return [why, code ? m.mail_footer_forward_code({}, o) : m.mail_footer_forward({}, o)];
}
