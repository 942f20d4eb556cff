import { describe, expect, it } from 'vitest';
import { renderPacketEmail, type PacketMailKind } from './packet-email';

const firm = { name: 'Smith & Co', brandColor: '#1f6f5c', timeZone: 'Europe/London' };
const base = {
  firm,
  clientName: 'Brightwater Coffee Co.',
  documents: [
    { displayName: 'Bank statements', pages: 3 },
    { displayName: 'Profit and loss', pages: 1 }
  ],
  packet: {
    title: 'Quarterly review',
    period: '2026-Q3',
    note: '',
    dueAt: new Date('2026-12-18T23:59:00Z')
  },
  contactName: 'Ada Lovelace',
  url: 'https://sheaf.example/l/token',
  expiresAt: new Date('2026-12-20T23:59:00Z')
};
const mail = (kind: PacketMailKind, role: 'approver' | 'viewer') =>
  renderPacketEmail({ ...base, kind, role });

describe('the packet mail', () => {
  it('names the business and the firm, lists the documents, the due date and the button', () => {
    const m = mail('packet', 'approver');
    expect(m.subject).toBe(
      'Smith & Co: Q3 2026 Quarterly review for Brightwater Coffee Co. is ready to review'
    );
    expect(m.text).toContain(
      'Hello Ada, Smith & Co has sent you the documents for Brightwater Coffee Co.\n'
    );
    expect(m.text).toContain(
      'Documents:\n• Bank statements (3 pages)\n• Profit and loss (1 page)\n'
    );
    expect(m.text).toContain('Please review and approve them by Fri 18 Dec 2026.');
    expect(m.text).toContain('Review documents:\nhttps://sheaf.example/l/token');
    expect(m.text).not.toContain('Co..');
    expect(m.html).toContain('Bank statements (3 pages)');
  });

  it('ends with why they get it and a safety line, not "didn\'t expect this?"', () => {
    const { text, html } = mail('packet', 'approver');
    expect(text).toContain(
      '--\nYou get this because Smith & Co is your bookkeeper and added you as a contact for Brightwater Coffee Co.\nThe button opens your documents without a password, so please do not forward this email.\nSent by Smith & Co through Sheaf.'
    );
    expect(text).not.toContain("Didn't expect this email?");
    expect(html).toContain(
      'is your bookkeeper and added you as a contact for Brightwater Coffee Co.<'
    );
  });

  it('tells viewers it is for their information: no request, no due date', () => {
    for (const kind of ['packet', 'packet_updated', 'reminder', 'nudge'] as const) {
      const m = mail(kind, 'viewer');
      expect(m.subject, kind).toContain('for your information');
      expect(m.text, kind).toContain('There is nothing for you to approve.');
      expect(m.text, kind).not.toMatch(/please review|approve them by|waiting for your review/i);
      expect(m.text, kind).toContain('• Bank statements (3 pages)');
      expect(m.text, kind).toContain('Open documents:');
    }
    expect(mail('packet_updated', 'viewer').subject).toBe(
      'Smith & Co updated Q3 2026 Quarterly review for Brightwater Coffee Co., for your information'
    );
  });

  it('words updates, reminders and nudges for approvers', () => {
    expect(mail('packet_updated', 'approver').text).toContain(
      'Smith & Co has changed the documents for Brightwater Coffee Co. Please take another look.'
    );
    expect(mail('reminder', 'approver').subject).toBe(
      'Reminder: Q3 2026 Quarterly review for Brightwater Coffee Co. from Smith & Co'
    );
    expect(mail('nudge', 'approver').subject).toBe(
      'Smith & Co: please review Q3 2026 Quarterly review for Brightwater Coffee Co.'
    );
  });

  it('one document, no due date, a plain business name', () => {
    const m = renderPacketEmail({
      ...base,
      clientName: 'Acme Bakery',
      documents: [{ displayName: 'Ledger', pages: 1 }],
      packet: { ...base.packet, dueAt: null },
      kind: 'packet',
      role: 'approver'
    });
    expect(m.text).toContain('the documents for Acme Bakery.\n');
    expect(m.text).toContain('Document:\n• Ledger (1 page)');
    expect(m.text).not.toContain('approve them by');
    expect(m.text).toContain('added you as a contact for Acme Bakery.\n');
  });
});

describe('the packet mail in the contact’s language', () => {
  it('is in Spanish for a Spanish contact: subject, body, button, expiry and footer', () => {
    const m = renderPacketEmail({ ...base, kind: 'packet', role: 'approver', locale: 'es' });
    expect(m.subject).toBe(
      'Smith & Co: T3 2026 Quarterly review para Brightwater Coffee Co. ya está disponible para revisar'
    );
    expect(m.text).toContain(
      'Hola, Ada: Smith & Co le ha enviado los documentos para Brightwater Coffee Co.\n'
    );
    expect(m.text).toContain(
      'Documentos:\n• Bank statements (3 páginas)\n• Profit and loss (1 página)'
    );
    expect(m.text).toContain('Revíselos y apruébelos antes del viernes, 18 de diciembre de 2026.');
    expect(m.text).toContain('Revisar documentos:\nhttps://sheaf.example/l/token');
    expect(m.text).toContain('no reenvíe este correo');
    expect(m.text).toContain('Enviado por Smith & Co a través de Sheaf.');
    expect(m.html).toContain('<html lang="es">');
  });

  it('is in German for a German viewer, with nothing to approve', () => {
    const m = renderPacketEmail({ ...base, kind: 'packet_updated', role: 'viewer', locale: 'de' });
    expect(m.subject).toBe(
      'Smith & Co hat Q3 2026 Quarterly review für Brightwater Coffee Co. aktualisiert, zu Ihrer Information'
    );
    expect(m.text).toContain('Sie müssen nichts freigeben.');
    expect(m.text).toContain('Dokumente öffnen:');
  });
});
