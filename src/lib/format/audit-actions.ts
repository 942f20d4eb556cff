// What an audit event says, worded for staff: "<who> published — version 2 to 3 contacts". One
// wording for the packet page's Activity and the sign-off certificate's audit trail.

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
  'auth.session_started': 'signed in'
};

/** "published an update" for 'packet.republished'; an unknown action as it is. */
export function auditActionLabel(action: string): string {
  return LABELS[action] ?? action;
}

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
  }
  if (typeof d.filename === 'string') return ` — ${d.filename}`;
  if (contacts) return ` — ${contacts}`;
  return '';
}
