import { describe, expect, it } from 'vitest';
import { auditDescription, auditDetail, auditLabel } from './audit-words';

describe('audit words', () => {
  it('says what was done and to what', () => {
    expect(auditDescription('packet.approved', { version: 2, contactId: 'c' })).toBe(
      'Approved version 2'
    );
    expect(auditDescription('packet.declined', { version: 3, reason: 'Wrong VAT period' })).toBe(
      'Declined version 3 — “Wrong VAT period”'
    );
    expect(auditDescription('packet.published', { version: 1, recipients: 1 })).toBe(
      'Published version 1 to 1 contact'
    );
    expect(auditDescription('document.viewed', { version: 2, document: 'Bank Q3' })).toBe(
      'Opened a document — Bank Q3, version 2'
    );
    expect(auditDescription('packet.reminded', { contacts: ['a@b.test', 'c@d.test'] })).toBe(
      'Sent an automatic reminder — a@b.test, c@d.test'
    );
    expect(
      auditDescription('email.bounced', {
        to: 'a@b.test',
        type: 'packet',
        version: 2,
        description: 'Mailbox does not exist'
      })
    ).toBe('Mail bounced to a@b.test (packet, version 2) — Mailbox does not exist');
    expect(auditDescription('auth.session_started', { kind: 'client' })).toBe('Signed in');
  });

  it('shows an action it has no words for as its code', () => {
    expect(auditLabel('certificate.made')).toBe('certificate.made');
    expect(auditDescription('certificate.made', null)).toBe('certificate.made');
    expect(auditDetail('member.invited', { email: 'x@y.test' })).toBe(' — x@y.test');
  });

  it('ignores data that is not text or a number', () => {
    expect(auditDescription('packet.approved', { version: { evil: true } })).toBe('Approved');
  });
});
