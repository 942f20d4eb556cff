import { describe, expect, it } from 'vitest';
import { alertNotice, packetNotice, pushTopic, replyNotice } from './notices';

const firm = { id: 'f1', name: 'Ledgerline Bookkeeping', timeZone: 'Europe/London' };
const packet = {
  id: '0b9f3c1e-1111-4222-8333-444455556666',
  title: 'Quarterly review',
  period: '2026-Q3',
  dueAt: new Date('2026-12-04T12:00:00Z')
};

describe('push notices', () => {
  it('names the firm and the packet, and opens the packet', () => {
    const n = packetNotice(firm, packet, 'packet', 'approver');
    expect(n).toMatchObject({
      title: 'Ledgerline Bookkeeping',
      body: 'Q3 2026 Quarterly review is ready to review',
      url: `/p/${packet.id}`,
      tag: `packet-${packet.id}`
    });
    expect(packetNotice(firm, packet, 'packet', 'viewer').body).toMatch(/ready to view$/);
    expect(packetNotice(firm, packet, 'packet_updated', 'approver').body).toMatch(
      /has a new version$/
    );
    expect(packetNotice(firm, packet, 'reminder', 'approver').body).toBe(
      'Q3 2026 Quarterly review is due Fri 4 Dec 2026'
    );
    expect(packetNotice(firm, { ...packet, dueAt: null }, 'reminder', 'approver').body).toMatch(
      /waiting for your review$/
    );
  });

  it('makes topics of at most 32 base64url characters', () => {
    const topic = pushTopic('p', packet.id);
    expect(topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(pushTopic('r', packet.id)).not.toBe(topic);
  });

  it('says a reply and a staff alert without their words', () => {
    expect(replyNotice(firm, packet)).toMatchObject({
      body: 'New reply about your Q3 2026 Quarterly review',
      url: `/p/${packet.id}#thread`
    });
    expect(
      alertNotice('f1', 'alert_decline', 'Smith & Co', 'Q3', '/firm/packets/x', 't')
    ).toMatchObject({ title: 'Declined by Smith & Co', body: 'Q3', urgency: 'high' });
  });
});
