import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  type AnyPgColumn,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid
} from 'drizzle-orm/pg-core';

const id = () => uuid('id').primaryKey().defaultRandom();
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => at('created_at').notNull().defaultNow();

/** A staff member's choice per kind of alert. */
export const ALERT_MODES = ['now', 'digest', 'off'] as const;
export type AlertMode = (typeof ALERT_MODES)[number];

/** How a session's user proved who they are: a magic link, the 6-digit code, a passkey. */
export const SIGN_IN_METHODS = ['link', 'code', 'passkey'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** What a contact decided on a version: approve it, or decline it with a reason. */
export const DECISION_KINDS = ['approve', 'question', 'decline'] as const;

/** One document as a decision covered it: its name then and its fingerprint from upload. */
export interface DecidedDocument {
  id: string;
  name: string;
  filename: string;
  pages: number;
  bytes: number;
  sha256: string;
}

/** How the outbox carries a message. */
export const OUTBOX_CHANNELS = ['email', 'push'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/** What a WebAuthn challenge was issued for. */
export const PASSKEY_CEREMONIES = ['register', 'sign_in', 'step_up'] as const;
export type PasskeyCeremony = (typeof PASSKEY_CEREMONIES)[number];

/** Which approvers must approve before a version counts as approved. */
export const APPROVAL_RULES = ['any', 'all'] as const;
/** The languages client pages and mails come in; the first is the fallback. */
export const LOCALES = ['en', 'es', 'fr', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export type ApprovalRule = (typeof APPROVAL_RULES)[number];

export const firm = pgTable('firm', {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  fromEmail: text('from_email'),
  replyTo: text('reply_to'),
  brandColor: text('brand_color').notNull().default('#1f6f5c'),
  /** The stored logo's blob key prefix (its fixed sizes hang off it); null = no logo. */
  logo: text('logo'),
  /** The From name on the firm's mail; null = "<firm name> via Sheaf". */
  senderName: text('sender_name'),
  /** The language a contact's pages and mail use unless the contact or staff chose another. */
  locale: text('locale', { enum: LOCALES }).notNull().default('en'),
  reminderEveryDays: integer('reminder_every_days').notNull().default(3),
  packetLinkDays: integer('packet_link_days').notNull().default(7),
  /** A packet link lasts until the due date plus this many days (within the link bounds). */
  linkGraceDays: integer('link_grace_days').notNull().default(7),
  /** IANA time zone for the dates staff see and every mail the firm sends. */
  timeZone: text('time_zone').notNull().default('UTC'),
  /** When a version counts as approved: any one approver, or every approver. */
  approvalRule: text('approval_rule', { enum: APPROVAL_RULES }).notNull().default('any'),
  /** Staff signed in by email link or code must confirm with a passkey before any /firm page. */
  staffPasskeyRequired: boolean('staff_passkey_required').notNull().default(false),
  createdAt: createdAt()
});

export const user = pgTable('user', {
  id: id(),
  /** Always stored lower-cased and trimmed. */
  email: text('email').notNull().unique(),
  name: text('name').notNull().default(''),
  /** The language this person chose in /account; null = as each firm set it. */
  locale: text('locale', { enum: LOCALES }),
  createdAt: createdAt()
});

export const membership = pgTable(
  'membership',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'staff'] }).notNull(),
    /** How this member hears of clients' questions (and declines): at once, in a digest, or not. */
    questionAlerts: text('question_alerts', { enum: ALERT_MODES }).notNull().default('now'),
    /** How this member hears that a packet was approved. */
    approvalAlerts: text('approval_alerts', { enum: ALERT_MODES }).notNull().default('now'),
    /** When the daily digest goes, in minutes after midnight in the firm's time zone. */
    digestMinute: integer('digest_minute').notNull().default(480),
    createdAt: createdAt()
  },
  (t) => [
    uniqueIndex('membership_firm_user').on(t.firmId, t.userId),
    index('membership_user').on(t.userId)
  ]
);

export const client = pgTable(
  'client',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    code: text('code').notNull(),
    /** The staff member who hears of this client's questions and approvals. */
    responsibleUserId: uuid('responsible_user_id').references(() => user.id, {
      onDelete: 'set null'
    }),
    archivedAt: at('archived_at'),
    createdAt: createdAt()
  },
  (t) => [uniqueIndex('client_firm_code').on(t.firmId, t.code), index('client_firm').on(t.firmId)]
);

export const clientContact = pgTable(
  'client_contact',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id')
      .notNull()
      .references(() => client.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['approver', 'viewer'] })
      .notNull()
      .default('approver'),
    /** null = permanent access; otherwise access ends at this instant. */
    accessExpiresAt: at('access_expires_at'),
    /**
     * The name this firm knows the contact by. Per firm: one firm never sees nor changes the
     * name another firm (or the person) gave.
     */
    name: text('name').notNull().default(''),
    /** The language staff set for this contact; null = the firm's. The contact's own wins. */
    locale: text('locale', { enum: LOCALES }),
    createdAt: createdAt()
  },
  (t) => [
    uniqueIndex('client_contact_client_user').on(t.clientId, t.userId),
    index('client_contact_user').on(t.userId),
    index('client_contact_firm').on(t.firmId)
  ]
);

export const packet = pgTable(
  'packet',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id')
      .notNull()
      .references(() => client.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** e.g. 2026-Q3 */
    period: text('period').notNull(),
    note: text('note').notNull().default(''),
    dueAt: at('due_at'),
    status: text('status', { enum: ['draft', 'published', 'archived'] })
      .notNull()
      .default('draft'),
    /** 0 while never published; each publish increments it. */
    version: integer('version').notNull().default(0),
    publishedAt: at('published_at'),
    createdBy: uuid('created_by').references(() => user.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow()
  },
  (t) => [index('packet_firm_period').on(t.firmId, t.period), index('packet_client').on(t.clientId)]
);

/**
 * What contacts saw of a packet at each publish: its details are frozen here, so staff edits
 * stay staff-only until the next publish.
 */
export const packetVersion = pgTable(
  'packet_version',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    packetId: uuid('packet_id')
      .notNull()
      .references(() => packet.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    period: text('period').notNull(),
    note: text('note').notNull().default(''),
    dueAt: at('due_at'),
    publishedAt: at('published_at').notNull().defaultNow(),
    publishedBy: uuid('published_by').references(() => user.id, { onDelete: 'set null' })
  },
  (t) => [uniqueIndex('packet_version_packet_version').on(t.packetId, t.version)]
);

export const document = pgTable(
  'document',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    packetId: uuid('packet_id')
      .notNull()
      .references(() => packet.id, { onDelete: 'cascade' }),
    /** The packet version this document first appeared in (0 = draft, not yet published). */
    version: integer('version').notNull().default(0),
    filename: text('filename').notNull(),
    /** What clients and staff see; staff may edit it. Downloads keep `filename`. */
    displayName: text('display_name').notNull().default(''),
    blobKey: text('blob_key').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    pages: integer('pages').notNull(),
    /** Page 1 as shown, in PDF points (null for documents uploaded before it was recorded). */
    pageWidth: real('page_width'),
    pageHeight: real('page_height'),
    position: integer('position').notNull().default(0),
    /** When staff removed it; contacts keep seeing it until the next publish. */
    removedAt: at('removed_at'),
    /** The first published version without it (set at publish); null while contacts see it. */
    removedVersion: integer('removed_version'),
    createdAt: createdAt()
  },
  (t) => [index('document_packet').on(t.packetId, t.position)]
);

export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    firmId: uuid('firm_id').references(() => firm.id, { onDelete: 'set null' }),
    /** sign_in | invite | packet | reminder | reply | ... (also the Postmark Tag) */
    kind: text('kind').notNull(),
    /**
     * The message of a row an older release wrote; null on rows written since, whose message is
     * in outbox_message. Read both through `outboxPayload`. Not written any more; the next
     * release copies what is left to outbox_message, the one after drops it (docs/DEPLOY.md).
     */
    payload: jsonb('payload'),
    /** 'email' (a rendered mail) or 'push' (a PushPayload to one device). */
    channel: text('channel', { enum: OUTBOX_CHANNELS }).notNull().default('email'),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    runAfter: at('run_after').notNull().defaultNow(),
    lockedAt: at('locked_at'),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    /** 'postmark' or 'mailbox' once sent. */
    transport: text('transport'),
    providerMessageId: text('provider_message_id'),
    sentAt: at('sent_at'),
    /** A message that must go at most once (a daily digest): a second insert does nothing. */
    idempotencyKey: text('idempotency_key').unique(),
    createdAt: createdAt()
  },
  (t) => [
    index('outbox_due').on(t.status, t.runAfter),
    index('outbox_provider_message').on(t.providerMessageId)
  ]
);

/**
 * An outbox row's message, written once beside the row: a rendered mail (to, from, replyTo,
 * subject, html, text, metadata) or a PushPayload. Kept apart so that claiming a row and
 * recording what became of it rewrite about 150 bytes, not the message's 2 KB.
 */
export const outboxMessage = pgTable('outbox_message', {
  outboxId: bigint('outbox_id', { mode: 'number' })
    .primaryKey()
    .references(() => outbox.id, { onDelete: 'cascade' }),
  payload: jsonb('payload').notNull()
});

export const delivery = pgTable(
  'delivery',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    packetId: uuid('packet_id')
      .notNull()
      .references(() => packet.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => clientContact.id, { onDelete: 'cascade' }),
    outboxId: bigint('outbox_id', { mode: 'number' }).references(() => outbox.id, {
      onDelete: 'set null'
    }),
    status: text('status', { enum: ['queued', 'sent', 'delivered', 'bounced', 'failed'] })
      .notNull()
      .default('queued'),
    statusDetail: text('status_detail'),
    firstOpenedAt: at('first_opened_at'),
    lastOpenedAt: at('last_opened_at'),
    reviewedAt: at('reviewed_at'),
    lastRemindedAt: at('last_reminded_at'),
    reminders: integer('reminders').notNull().default(0),
    createdAt: createdAt()
  },
  (t) => [
    uniqueIndex('delivery_packet_version_contact').on(t.packetId, t.version, t.contactId),
    index('delivery_contact').on(t.contactId),
    index('delivery_outbox').on(t.outboxId)
  ]
);

export const decision = pgTable(
  'decision',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    packetId: uuid('packet_id')
      .notNull()
      .references(() => packet.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => clientContact.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: DECISION_KINDS }).notNull(),
    /** Idempotency key from the browser, so a queued offline approval is recorded once. */
    clientRequestId: text('client_request_id').unique(),
    at: at('at').notNull().defaultNow(),
    /** When the contact withdrew this approval; a withdrawn decision no longer counts. */
    withdrawnAt: at('withdrawn_at'),
    /** A decline's reason, as the contact wrote it. */
    reason: text('reason'),
    // The evidence (null on decisions recorded before it was kept): where from, how the contact
    // signed in, what they were shown and agreed to, and every document's fingerprint.
    ip: text('ip'),
    userAgent: text('user_agent'),
    signInMethod: text('sign_in_method', { enum: SIGN_IN_METHODS }),
    /** The exact words the contact confirmed, e.g. "I have reviewed these 3 documents and approve them." */
    consent: text('consent'),
    documents: jsonb('documents').$type<DecidedDocument[]>()
  },
  (t) => [index('decision_packet').on(t.packetId, t.version)]
);

export const comment = pgTable(
  'comment',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    packetId: uuid('packet_id')
      .notNull()
      .references(() => packet.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id').references(() => document.id, { onDelete: 'set null' }),
    page: integer('page'),
    body: text('body').notNull(),
    /** Who wrote it: the firm's staff, or one of the client's contacts (a question). */
    authorKind: text('author_kind', { enum: ['staff', 'contact'] })
      .notNull()
      .default('contact'),
    /** The contact's question a staff reply answers. */
    replyTo: uuid('reply_to').references((): AnyPgColumn => comment.id, { onDelete: 'set null' }),
    /** A contact's question stops needing a reply: answered, or marked so by staff. */
    answeredAt: at('answered_at'),
    answeredBy: uuid('answered_by').references(() => user.id, { onDelete: 'set null' }),
    clientRequestId: text('client_request_id').unique(),
    at: at('at').notNull().defaultNow()
  },
  (t) => [
    index('comment_packet').on(t.packetId, t.at),
    index('comment_needs_reply')
      .on(t.firmId, t.at)
      .where(sql`${t.authorKind} = 'contact' and ${t.answeredAt} is null`)
  ]
);

export const documentView = pgTable(
  'document_view',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id')
      .notNull()
      .references(() => document.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => clientContact.id, { onDelete: 'cascade' }),
    firstOpenedAt: at('first_opened_at').notNull().defaultNow(),
    lastOpenedAt: at('last_opened_at').notNull().defaultNow(),
    views: integer('views').notNull().default(1)
  },
  (t) => [uniqueIndex('document_view_document_contact').on(t.documentId, t.contactId)]
);

/**
 * A contact's first open of a document in one packet version: the audit log records each one
 * once (a document carried into a new version is opened afresh there).
 */
export const documentOpen = pgTable(
  'document_open',
  {
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id')
      .notNull()
      .references(() => document.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => clientContact.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    at: at('at').notNull().defaultNow()
  },
  (t) => [uniqueIndex('document_open_once').on(t.documentId, t.contactId, t.version)]
);

/**
 * The sign-off certificate of an approved version, as first issued: its SHA-256 and its bytes
 * (drawn from the rows, deterministically; later downloads serve the stored file, so a name
 * edited since never makes a second, different certificate of the same version).
 */
export const certificate = pgTable(
  'certificate',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    packetId: uuid('packet_id')
      .notNull()
      .references(() => packet.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    /** The PDF as first issued, in the blob store: every later download serves these bytes. */
    blobKey: text('blob_key'),
    createdAt: createdAt()
  },
  (t) => [
    uniqueIndex('certificate_packet_version').on(t.packetId, t.version),
    index('certificate_sha256').on(t.sha256)
  ]
);

/**
 * Something a staff member is told about: a contact's question, or a packet approved. Sent at
 * once (outbox_id set when written) or collected for the member's daily digest (outbox_id set
 * when the digest takes it).
 */
export const staffAlert = pgTable(
  'staff_alert',
  {
    id: id(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['question', 'approval', 'decline'] }).notNull(),
    packetId: uuid('packet_id')
      .notNull()
      .references(() => packet.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    commentId: uuid('comment_id').references(() => comment.id, { onDelete: 'cascade' }),
    /** The decline this alert is about. */
    decisionId: uuid('decision_id').references(() => decision.id, { onDelete: 'cascade' }),
    outboxId: bigint('outbox_id', { mode: 'number' }).references(() => outbox.id, {
      onDelete: 'set null'
    }),
    /** When a mail carrying it was queued (at once, or in a digest); null = waits for a digest. */
    sentAt: at('sent_at'),
    createdAt: createdAt()
  },
  (t) => [
    index('staff_alert_pending')
      .on(t.userId, t.createdAt)
      .where(sql`${t.sentAt} is null`),
    uniqueIndex('staff_alert_approval')
      .on(t.userId, t.packetId, t.version)
      .where(sql`${t.kind} = 'approval'`)
  ]
);

export const magicLink = pgTable(
  'magic_link',
  {
    id: id(),
    /** SHA-256 of the token, hex. The token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    /** null only for the first-run setup link. */
    userId: uuid('user_id').references(() => user.id, { onDelete: 'cascade' }),
    firmId: uuid('firm_id').references(() => firm.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['sign_in', 'invite', 'packet', 'setup', 'alert'] }).notNull(),
    packetId: uuid('packet_id').references(() => packet.id, { onDelete: 'cascade' }),
    /** A relative path, checked when stored. */
    redirectTo: text('redirect_to').notNull().default('/'),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    requestedIp: text('requested_ip'),
    requestedUa: text('requested_ua'),
    /** SHA-256 of the binding cookie of the browser that asked for the link. */
    bindingHash: text('binding_hash'),
    /** SHA-256 of the 6-digit code (salted with the token hash). */
    codeHash: text('code_hash'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt()
  },
  (t) => [
    index('magic_link_user').on(t.userId, t.purpose),
    index('magic_link_binding').on(t.bindingHash)
  ]
);

export const session = pgTable(
  'session',
  {
    /** SHA-256 of the session token, hex. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['staff', 'client'] })
      .notNull()
      .default('client'),
    expiresAt: at('expires_at').notNull(),
    createdAt: createdAt(),
    lastSeenAt: at('last_seen_at').notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** How the user signed in (null for sessions from before it was recorded). */
    signInMethod: text('sign_in_method', { enum: SIGN_IN_METHODS }),
    /** When this session was confirmed with a passkey (staff step-up); null if never. */
    passkeyConfirmedAt: at('passkey_confirmed_at')
  },
  (t) => [index('session_user').on(t.userId), index('session_expires').on(t.expiresAt)]
);

export const emailEvent = pgTable(
  'email_event',
  {
    id: id(),
    providerMessageId: text('provider_message_id').notNull(),
    /** Delivery | Bounce | SpamComplaint | ... */
    type: text('type').notNull(),
    /** A stable key per event (Postmark's ID or type+time) so replays change nothing. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    at: at('at').notNull(),
    raw: jsonb('raw').notNull(),
    receivedAt: at('received_at').notNull().defaultNow()
  },
  (t) => [index('email_event_message').on(t.providerMessageId)]
);

export const rateLimit = pgTable('rate_limit', {
  key: text('key').primaryKey(),
  tokens: real('tokens').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow()
});

export const auditEvent = pgTable(
  'audit_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    firmId: uuid('firm_id').references(() => firm.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => user.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    /** e.g. 'packet:<id>' */
    subject: text('subject'),
    ip: text('ip'),
    ua: text('ua'),
    data: jsonb('data'),
    at: at('at').notNull().defaultNow()
  },
  (t) => [index('audit_firm_at').on(t.firmId, t.at), index('audit_subject').on(t.subject, t.at)]
);

export type Firm = typeof firm.$inferSelect;
export type User = typeof user.$inferSelect;
export type Membership = typeof membership.$inferSelect;
export type Client = typeof client.$inferSelect;
export type ClientContact = typeof clientContact.$inferSelect;
export type Packet = typeof packet.$inferSelect;
export type Document = typeof document.$inferSelect;
export type PacketVersion = typeof packetVersion.$inferSelect;
export type Delivery = typeof delivery.$inferSelect;
export type Decision = typeof decision.$inferSelect;
export type Comment = typeof comment.$inferSelect;
export type MagicLink = typeof magicLink.$inferSelect;
export type StaffAlert = typeof staffAlert.$inferSelect;
export type Session = typeof session.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type AuditEvent = typeof auditEvent.$inferSelect;
export type Certificate = typeof certificate.$inferSelect;

/** A WebAuthn credential (passkey) a user registered; one per device or password manager. */
export const passkey = pgTable(
  'passkey',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    /** The credential id, base64url, as the authenticator gave it. */
    credentialId: text('credential_id').notNull().unique(),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The authenticator's signature counter (0 for most passkeys). */
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: jsonb('transports').$type<string[]>().notNull().default([]),
    /** 'singleDevice' or 'multiDevice' (synced), as the authenticator said. */
    deviceType: text('device_type'),
    backedUp: boolean('backed_up').notNull().default(false),
    /** The user's name for it ("iPhone"), editable in /account. */
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: at('last_used_at')
  },
  (t) => [index('passkey_user').on(t.userId)]
);

/**
 * A WebAuthn challenge: single-use (deleted when a response is checked against it) and
 * short-lived, kept here so that any instance can verify what another issued.
 */
export const webauthnChallenge = pgTable(
  'webauthn_challenge',
  {
    /** The challenge, base64url. */
    challenge: text('challenge').primaryKey(),
    ceremony: text('ceremony', { enum: PASSKEY_CEREMONIES }).notNull(),
    /** Whom it was issued to (registration, step-up); null for a sign-in (any user's passkey). */
    userId: uuid('user_id').references(() => user.id, { onDelete: 'cascade' }),
    /** SHA-256 of the session (registration, step-up) or binding cookie (sign-in) that asked. */
    bindingHash: text('binding_hash').notNull(),
    expiresAt: at('expires_at').notNull(),
    createdAt: createdAt()
  },
  (t) => [index('webauthn_challenge_expires').on(t.expiresAt)]
);

/** A device's Web Push subscription; it lives as long as the session that made it. */
export const pushSubscription = pgTable(
  'push_subscription',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    /** The device's session: signing out of that device (or its expiry) removes it. */
    sessionIdHash: text('session_id_hash')
      .notNull()
      .references(() => session.idHash, { onDelete: 'cascade' }),
    /** The push service's URL for this device. */
    endpoint: text('endpoint').notNull().unique(),
    /** The browser's P-256 public key and auth secret, base64url. */
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSentAt: at('last_sent_at')
  },
  (t) => [index('push_subscription_user').on(t.userId)]
);

/** Secrets the instances share and make once (the VAPID key pair), by name. */
export const instanceSecret = pgTable('instance_secret', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt()
});
