// The mails staff get about their clients: a question asked, a packet declined or approved, and
// the daily digest of them. All text goes through renderBrandedEmail, which escapes it.
import { zoneAbbreviation } from '../../../format/time-zone';
import { excerpt, joinWords, plural, singleLine } from '../../../format/words';
import { describeExpiry, formatWhen } from './magic-link';
import { renderBrandedEmail } from './branded';

interface FirmLook {
  name: string;
  brandColor?: string | null;
  logo?: string | null;
  timeZone: string;
}

/** Where a question was asked: the client, the packet as its contacts see it, the page. */
export interface QuestionAlertItem {
  clientName: string;
  /** "Q3 2026 · Quarterly review" */
  packetLabel: string;
  documentName: string | null;
  page: number | null;
  askedBy: string;
  body: string;
  at: Date;
  /** The thread, on the staff side (a plain URL; the staff member may need to sign in). */
  url: string;
}

export interface ApprovalAlertItem {
  clientName: string;
  packetLabel: string;
  version: number;
  approvers: { name: string; at: Date }[];
  documents: string[];
  url: string;
}

/** A contact said something is wrong with a packet version, and why. */
export interface DeclineAlertItem {
  clientName: string;
  packetLabel: string;
  version: number;
  declinedBy: string;
  reason: string;
  at: Date;
  /** The staff packet page, at its declines. */
  url: string;
}

const quoted = (body: string) => `“${body.trim()}”`;

/** "statement.pdf, page 2" / "statement.pdf" / null for a question about the whole packet. */
export function whereAsked(item: Pick<QuestionAlertItem, 'documentName' | 'page'>) {
  if (!item.documentName) return null;
  return item.page ? `${item.documentName}, page ${item.page}` : item.documentName;
}

/** "Tue 2 Dec, 14:00 GMT": the zone's abbreviation in force then. */
const whenIn = (at: Date, timeZone: string) =>
  `${formatWhen(at, timeZone)} ${zoneAbbreviation(at, timeZone)}`;

/** `responsible` false: an owner hearing of a client nobody (still at the firm) is named for. */
const footerFor = (clientName: string | null, accountUrl: string, responsible = true) =>
  `${clientName ? (responsible ? `You get this because you are responsible for ${clientName}. ` : `You get this as an owner: nobody at the firm is responsible for ${clientName}. `) : ''}Choose at once, a daily digest or off in your account: ${accountUrl}`;

export function renderQuestionAlert(
  firm: FirmLook,
  item: QuestionAlertItem,
  link: { url: string; expiresAt: Date },
  accountUrl: string,
  now = new Date(),
  responsible = true
) {
  return renderBrandedEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    logo: firm.logo,
    preheader: `${item.askedBy}: ${excerpt(singleLine(item.body), 90)}`,
    heading: `${item.clientName} asked a question`,
    intro: [
      `${item.askedBy} asked about ${item.packetLabel}${whereAsked(item) ? `, on ${whereAsked(item)}` : ''} (${whenIn(item.at, firm.timeZone)}):`,
      quoted(item.body)
    ],
    button: { label: 'Open the question', url: link.url },
    expiry: describeExpiry(link.expiresAt, now, firm.timeZone),
    footer: footerFor(item.clientName, accountUrl, responsible)
  });
}

const approvedBy = (item: ApprovalAlertItem, timeZone: string) =>
  item.approvers.map((a) => `${a.name} (${whenIn(a.at, timeZone)})`).join(', ');

const documentsLine = (item: ApprovalAlertItem) =>
  item.documents.length
    ? `Version ${item.version}: ${item.documents.join(', ')}.`
    : `Version ${item.version}.`;

export function renderApprovalAlert(
  firm: FirmLook,
  item: ApprovalAlertItem,
  link: { url: string; expiresAt: Date },
  accountUrl: string,
  now = new Date(),
  responsible = true
) {
  return renderBrandedEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    logo: firm.logo,
    heading: `${item.clientName} approved ${item.packetLabel}`,
    intro: [`Approved by ${approvedBy(item, firm.timeZone)}.`, documentsLine(item)],
    button: { label: 'Open the packet', url: link.url },
    expiry: describeExpiry(link.expiresAt, now, firm.timeZone),
    footer: footerFor(item.clientName, accountUrl, responsible)
  });
}

export function renderDeclineAlert(
  firm: FirmLook,
  item: DeclineAlertItem,
  link: { url: string; expiresAt: Date },
  accountUrl: string,
  now = new Date(),
  responsible = true
) {
  return renderBrandedEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    logo: firm.logo,
    preheader: `${item.declinedBy}: ${excerpt(singleLine(item.reason), 90)}`,
    heading: `${item.clientName} declined ${item.packetLabel}`,
    intro: [
      `${item.declinedBy} said something is wrong with version ${item.version} and did not approve it (${whenIn(item.at, firm.timeZone)}):`,
      quoted(item.reason)
    ],
    button: { label: 'Open the packet', url: link.url },
    expiry: describeExpiry(link.expiresAt, now, firm.timeZone),
    footer: footerFor(item.clientName, accountUrl, responsible)
  });
}

/** "2 questions and 1 approval"; "1 question, 1 decline and 2 approvals" */
export function digestSummary(questions: number, approvals: number, declines = 0): string {
  return joinWords(
    [
      questions ? plural(questions, 'question') : null,
      declines ? plural(declines, 'decline') : null,
      approvals ? plural(approvals, 'approval') : null
    ].filter((p): p is string => p !== null)
  );
}

export function renderDigest(
  firm: FirmLook,
  items: {
    questions: QuestionAlertItem[];
    approvals: ApprovalAlertItem[];
    declines?: DeclineAlertItem[];
  },
  link: { url: string; expiresAt: Date },
  accountUrl: string,
  now = new Date()
) {
  const { questions, approvals, declines = [] } = items;
  const paragraphs: string[] = [];
  if (questions.length) {
    paragraphs.push(`Questions (${questions.length})`);
    for (const q of questions) {
      paragraphs.push(
        `${[q.clientName, q.packetLabel, whereAsked(q)].filter(Boolean).join(' · ')}\n${q.askedBy}, ${whenIn(q.at, firm.timeZone)}: ${quoted(q.body)}\n${q.url}`
      );
    }
  }
  if (declines.length) {
    paragraphs.push(`Declined (${declines.length})`);
    for (const d of declines) {
      paragraphs.push(
        `${d.clientName} · ${d.packetLabel}\n${d.declinedBy}, ${whenIn(d.at, firm.timeZone)}, said something is wrong with version ${d.version}: ${quoted(d.reason)}\n${d.url}`
      );
    }
  }
  if (approvals.length) {
    paragraphs.push(`Approvals (${approvals.length})`);
    for (const a of approvals) {
      paragraphs.push(
        `${a.clientName} · ${a.packetLabel}\nApproved by ${approvedBy(a, firm.timeZone)}. ${documentsLine(a)}\n${a.url}`
      );
    }
  }
  return renderBrandedEmail({
    firmName: firm.name,
    brandColor: firm.brandColor,
    logo: firm.logo,
    preheader: `${digestSummary(questions.length, approvals.length, declines.length)} since your last digest`,
    heading: `Your daily digest: ${digestSummary(questions.length, approvals.length, declines.length)}`,
    intro: paragraphs,
    button: { label: 'Open Sheaf', url: link.url },
    expiry: describeExpiry(link.expiresAt, now, firm.timeZone),
    footer: footerFor(null, accountUrl)
  });
}
