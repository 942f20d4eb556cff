import { describe, expect, it } from 'vitest';
import { auditActionDetail, auditActionLabel } from './audit-actions';

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
});
