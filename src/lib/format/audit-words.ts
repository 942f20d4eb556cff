// Audit events in words: what someone did ("approved"), then what it concerned (" version 2").
// The audit export's description column; written so the staff packet page's Activity can use it.
import { plural } from './words';

type AuditData = Record<string, unknown> | null | undefined;

// A verb phrase that follows the person's name ("Casey Baker approved"), or that stands alone
// for Sheaf's own events ("sent an automatic reminder").
const LABELS: Record<string, string> = {
  'packet.created': 'created the packet',
  'packet.updated': 'edited the details',
  'packet.published': 'published',
  'packet.republished': 'published an update',
  'packet.nudged': 'sent a nudge',
  'packet.sent_to_contact': 'emailed the packet to a contact added later',
  'packet.reminded': 'sent an automatic reminder',
  'packet.approved': 'approved',
  'packet.declined': 'declined',
  'decision.withdrawn': 'withdrew their approval',
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
  'auth.link_refused': 'was refused a link',
  'auth.session_started': 'signed in',
  'auth.session_ended': 'signed out',
  'auth.code_failed': 'entered a wrong sign-in code',
  'firm.created': 'created the firm',
  'firm.settings_updated': 'changed the firm settings',
  'member.invited': 'invited a colleague',
  'member.removed': 'removed a colleague',
  'member.made_owner': 'made a colleague owner',
  'member.alerts_changed': 'changed their alert settings',
  'client.created': 'added a client',
  'client.updated': 'edited a client',
  'client.archived': 'archived a client',
  'client.restored': 'restored a client',
  'client.responsible_set': 'set the responsible staff member',
  'contact.added': 'added a contact',
  'contact.updated': 'edited a contact',
  'contact.removed': 'removed a contact',
  'contact.access_ended': "ended a contact's access",
  'email.sent': 'mail sent',
  'email.delivered': 'mail delivered',
  'email.bounced': 'mail bounced',
  'email.delayed': 'mail delayed (temporary bounce)',
  'email.complained': 'mail marked as spam by the recipient',
  'email.failed': 'mail refused by the mail service',
  'email.given_up': 'mail given up after retrying'
};

/** The verb phrase for an action; an action without one is shown as its code. */
export function auditLabel(action: string): string {
  return Object.hasOwn(LABELS, action) ? LABELS[action] : action;
}

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** What the event concerned, with its own leading separator (' version 2', ' — a.pdf'), or ''. */
export function auditDetail(action: string, data: AuditData): string {
  const d = data ?? {};
  const version = text(d.version);
  const contacts = Array.isArray(d.contacts) ? d.contacts.map(text).join(', ') : '';
  switch (action) {
    case 'packet.published':
    case 'packet.republished':
      return ` version ${version} to ${plural(Number(d.recipients) || 0, 'contact')}`;
    case 'packet.approved':
    case 'packet.declined':
    case 'decision.withdrawn': {
      const reason = text(d.reason);
      return `${version ? ` version ${version}` : ''}${reason ? ` — “${reason}”` : ''}`;
    }
    case 'question.marked_answered':
    case 'question.reopened':
    case 'packet.question_asked':
      return typeof d.excerpt === 'string' ? ` — “${d.excerpt}”` : ` — version ${version}`;
    case 'document.renamed':
      return ` — “${text(d.from)}” to “${text(d.to)}”`;
    case 'document.moved':
      return ` — ${text(d.filename)} to position ${text(d.position)}`;
    case 'document.viewed':
      return ` — ${text(d.document)}, version ${version}`;
    case 'packet.nudged':
    case 'packet.reminded':
    case 'packet.sent_to_contact':
      return contacts ? ` — ${contacts}` : '';
    case 'email.sent':
    case 'email.delivered':
    case 'email.bounced':
    case 'email.delayed':
    case 'email.complained':
    case 'email.failed':
    case 'email.given_up': {
      const about = [text(d.type), version ? `version ${version}` : ''].filter(Boolean);
      const why = text(d.description) || text(d.error);
      return `${d.to ? ` to ${text(d.to)}` : ''}${about.length ? ` (${about.join(', ')})` : ''}${why ? ` — ${why}` : ''}`;
    }
  }
  if (typeof d.filename === 'string') return ` — ${d.filename}`;
  if (typeof d.email === 'string') return ` — ${d.email}`;
  if (contacts) return ` — ${contacts}`;
  return '';
}

/** A sentence for a reader of the export: "Approved version 2", "Mail delivered to a@b.test". */
export function auditDescription(action: string, data: AuditData): string {
  const label = auditLabel(action);
  const sentence = `${label}${auditDetail(action, data)}`;
  return label === action ? sentence : sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
