import { describe, expect, it } from 'vitest';
import { auditActionDetail, auditActionLabel, auditDescription } from './audit-actions';

describe('audit action wording', () => {
  it('labels known actions and passes unknown ones through', () => {
    expect(auditActionLabel('packet.republished')).toBe('published an update');
    expect(auditActionLabel('document.viewed')).toBe('opened a document');
    expect(auditActionLabel('something.new')).toBe('something.new');
  });

  it('adds the detail each action carries', () => {
    expect(auditActionDetail('packet.published', { version: 2, recipients: 1 })).toBe(
      ' — version 2 to 1 contact'
    );
    expect(auditActionDetail('packet.approved', { version: 3 })).toBe(' — version 3');
    expect(auditActionLabel('packet.declined')).toBe('said something is wrong');
    expect(auditActionDetail('packet.declined', { version: 1, reason: 'VAT is off' })).toBe(
      ' — version 1: “VAT is off”'
    );
    expect(auditActionDetail('document.viewed', { document: 'Ledger' })).toBe(' — Ledger');
    expect(auditActionDetail('packet.nudged', { contacts: ['a@x.test', 'b@x.test'] })).toBe(
      ' — a@x.test, b@x.test'
    );
    expect(auditActionDetail('document.added', { filename: 'q3.pdf' })).toBe(' — q3.pdf');
    expect(auditActionDetail('packet.archived', null)).toBe('');
  });

  it('words every event of the export as a sentence, mail included', () => {
    expect(auditDescription('packet.approved', { version: 2, contactId: 'c' })).toBe(
      'Approved — version 2'
    );
    expect(auditDescription('auth.session_started', { kind: 'client' })).toBe('Signed in');
    expect(auditDescription('member.invited', { email: 'x@y.test' })).toBe(
      'Invited a colleague — x@y.test'
    );
    expect(
      auditDescription('email.bounced', {
        to: 'a@b.test',
        type: 'packet',
        version: 2,
        description: 'Mailbox does not exist'
      })
    ).toBe('Had a mail bounce — a@b.test, packet, version 2: Mailbox does not exist');
    expect(auditDescription('email.sent', { to: 'a@b.test', type: 'sign_in' })).toBe(
      'Sent a mail — a@b.test, sign_in'
    );
    expect(auditDescription('certificate.made', null)).toBe('certificate.made');
    expect(auditActionLabel('constructor')).toBe('constructor');
  });

  it('words passkey events: which ceremony, which passkey, whose reset', () => {
    expect(auditDescription('auth.passkey_used', { ceremony: 'sign_in' })).toBe(
      'Used a passkey — to sign in'
    );
    expect(auditDescription('auth.passkey_used', { ceremony: 'step_up' })).toBe(
      'Used a passkey — to confirm a sign-in by email'
    );
    expect(auditDescription('auth.session_started', { kind: 'staff', via: 'passkey' })).toBe(
      'Signed in — with a passkey'
    );
    expect(auditDescription('passkey.renamed', { name: 'Work laptop' })).toBe(
      'Renamed a passkey — “Work laptop”'
    );
    expect(auditDescription('member.passkeys_reset', { email: 'sam@x.test', removed: 2 })).toBe(
      "Reset a colleague's passkeys — sam@x.test"
    );
  });
});
