// What an audit event says, worded for staff: "<who> published — version 2 to 3 contacts". One
// wording for the packet page's Activity, the sign-off certificate's audit trail and the audit
// export's description column ("Published — version 2 to 3 contacts").

const LABELS: Record<string, string> = {
  'packet.created': 'created the packet',
  'packet.updated': 'edited the details',
  'packet.published': 'published',
  'packet.republished': 'published an update',
  'packet.nudged': 'sent a nudge',
  'packet.sent_to_contact': 'emailed the packet to a contact added later',
  'packet.reminded': 'sent an automatic reminder',
  'packet.approved': 'approved',
  'decision.withdrawn': 'withdrew their approval',
  'packet.declined': 'said something is wrong',
  'packet.question_asked': 'asked a question',
  'packet.archived': 'archived the packet',
  'packet.restored': 'restored the packet',
  'document.added': 'added a document',
  'document.removed': 'removed a document',
  'document.moved': 'moved a document',
  'document.kept': 'kept a document it had removed',
  'document.renamed': 'renamed a document',
  'document.viewed': 'opened a document',
  'thread.replied': 'replied to the client',
  'question.marked_answered': 'marked a question answered',
  'question.reopened': 'marked a question as needing a reply',
  'auth.link_used': 'opened the emailed link',
  'auth.link_reopened': 'opened an emailed link again, already signed in',
  'auth.link_sent': 'was sent a new link',
  'auth.session_started': 'signed in',
  'auth.link_refused': 'was refused a link',
  'auth.session_ended': 'signed out',
  'auth.code_failed': 'entered a wrong sign-in code',
  'auth.passkey_used': 'used a passkey',
  'auth.passkey_failed': 'tried a passkey that was refused',
  'passkey.added': 'added a passkey',
  'passkey.renamed': 'renamed a passkey',
  'passkey.removed': 'removed a passkey',
  'firm.created': 'created the firm',
  'firm.settings_updated': 'changed the firm settings',
  'member.invited': 'invited a colleague',
  'member.removed': 'removed a colleague',
  'member.made_owner': 'made a colleague owner',
  'member.alerts_changed': 'changed their alert settings',
  'member.passkeys_reset': "reset a colleague's passkeys",
  'client.created': 'added a client',
  'client.updated': 'edited a client',
  'client.archived': 'archived a client',
  'client.restored': 'restored a client',
  'client.responsible_set': 'set the responsible staff member',
  'contact.added': 'added a contact',
  'contact.updated': 'edited a contact',
  'account.language_changed': 'changed their language',
  'contact.removed': 'removed a contact',
  'contact.access_ended': "ended a contact's access",
  // Sheaf's own mail (no actor): sent, refused, and what Postmark reported.
  'email.sent': 'sent a mail',
  'email.failed': 'could not send a mail: refused by the mail service',
  'email.given_up': 'gave up sending a mail after retrying',
  'email.delivered': 'had a mail delivered',
  'email.delayed': 'had a mail delayed (temporary bounce)',
  'email.bounced': 'had a mail bounce',
  'email.complained': 'had a mail marked as spam by the recipient'
};

/** "published an update" for 'packet.republished'; an unknown action as it is. */
export function auditActionLabel(action: string): string {
  return Object.hasOwn(LABELS, action) ? LABELS[action] : action;
}

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** What follows the label: " — version 2 to 3 contacts", " — “the question”", or ''. */
export function auditActionDetail(action: string, data: Record<string, unknown> | null): string {
  const d = data ?? {};
  const contacts = Array.isArray(d.contacts) ? d.contacts.join(', ') : '';
  switch (action) {
    case 'packet.published':
    case 'packet.republished':
      return ` — version ${d.version} to ${d.recipients} contact${d.recipients === 1 ? '' : 's'}`;
    case 'packet.approved':
    case 'decision.withdrawn':
      return ` — version ${d.version}`;
    case 'packet.declined':
      return typeof d.reason === 'string'
        ? ` — version ${d.version}: “${d.reason}”`
        : ` — version ${d.version}`;
    case 'question.marked_answered':
    case 'question.reopened':
    case 'packet.question_asked':
      return typeof d.excerpt === 'string' ? ` — “${d.excerpt}”` : ` — version ${d.version}`;
    case 'auth.session_started':
      return d.via === 'passkey' ? ' — with a passkey' : '';
    case 'auth.passkey_used':
    case 'auth.passkey_failed':
      return d.ceremony === 'step_up' ? ' — to confirm a sign-in by email' : ' — to sign in';
    case 'passkey.added':
    case 'passkey.renamed':
    case 'passkey.removed':
      return typeof d.name === 'string' ? ` — “${d.name}”` : '';
    case 'document.renamed':
      return ` — “${d.from}” to “${d.to}”`;
    case 'document.moved':
      return ` — ${d.filename} to position ${d.position}`;
    case 'document.viewed':
      return typeof d.document === 'string' ? ` — ${d.document}` : '';
    case 'packet.nudged':
    case 'packet.reminded':
    case 'packet.sent_to_contact':
      return contacts ? ` — ${contacts}` : '';
    case 'email.sent':
    case 'email.failed':
    case 'email.given_up':
    case 'email.delivered':
    case 'email.delayed':
    case 'email.bounced':
    case 'email.complained': {
      const about = [text(d.type), d.version === undefined ? '' : `version ${text(d.version)}`];
      const why = text(d.description) || text(d.error);
      return ` — ${[text(d.to), about.filter(Boolean).join(', ')].filter(Boolean).join(', ')}${why ? `: ${why}` : ''}`;
    }
  }
  if (typeof d.email === 'string') return ` — ${d.email}`;
  if (typeof d.filename === 'string') return ` — ${d.filename}`;
  if (contacts) return ` — ${contacts}`;
  return '';
}

/** A sentence for a reader of the export: "Approved — version 2", "Signed in". */
export function auditDescription(action: string, data: Record<string, unknown> | null): string {
  const label = auditActionLabel(action);
  const sentence = `${label}${auditActionDetail(action, data)}`;
  return label === action ? sentence : sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
