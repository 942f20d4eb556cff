import { endSentence } from '../../../format/words';

/**
 * The closing lines of every mail to a client contact (invite and packet mails): why they get
 * it, and one safety line that is true of these links (they sign in without a password) rather
 * than generic boilerplate.
 */
export function contactFooter(firmName: string, clientName: string, code = false): string[] {
  const why = clientName
    ? `You get this because ${firmName} is your bookkeeper and added you as a contact for ${endSentence(clientName)}`
    : `You get this because ${firmName} is your bookkeeper and added you as a contact.`;
  return [
    why,
    `The button${code ? ' and the code' : ''} ${code ? 'open' : 'opens'} your documents without a password, so please do not forward this email.`
  ];
}
