import { describe, expect, it, vi } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { fileSha256 } from '../storage/sha256';
import type { CertificateData } from './certificate-data';
import { CERTIFICATE_KEYWORD, renderCertificate } from './render';
import { drawnImage } from '../../../../tests/support/images';

const hash = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

function sample(events = 3): CertificateData {
  const at = new Date('2026-10-14T15:04:05.123Z');
  return {
    packetId: '7d1f3b2e-0c4a-4e8e-9a55-0123456789ab',
    version: 2,
    firm: {
      id: 'f',
      name: 'Harbor & Pine Bookkeeping',
      timeZone: 'America/New_York',
      approvalRule: 'any',
      logo: null
    },
    client: { name: 'Łódź Bakery 山田', code: 'LODZ' },
    title: 'Quarterly review',
    period: '2026-Q3',
    publishedAt: new Date('2026-10-12T09:00:00Z'),
    signedOffAt: at,
    approvals: [
      {
        decisionId: 'd',
        name: 'Zoë Ōtani',
        email: 'zoe@example.test',
        at,
        ip: '198.51.100.23',
        userAgent:
          'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
        signInMethod: null,
        consent: 'I have reviewed these 2 documents and approve them.'
      }
    ],
    documents: [1, 2].map((n) => ({
      id: `doc-${n}`,
      name: `Statement ${n} with a rather long name that goes on and on past the width of the page ${'x'.repeat(40)}`,
      filename: `statement-${n}.pdf`,
      pages: n + 1,
      bytes: 120_000 * n,
      sha256: hash(n)
    })),
    events: Array.from({ length: events }, (_, i) => ({
      at: new Date(at.getTime() - (events - i) * 60_000),
      actor: 'Sam Staff',
      action: 'document.viewed',
      data: { version: 2, document: `Statement ${i}` }
    }))
  };
}

async function textOf(bytes: Uint8Array) {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const items: string[] = [];
  // Each string that shows, with its page and where it starts and ends on the line.
  const placed: { str: string; page: number; x: number; y: number; w: number }[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    for (const i of content.items) {
      items.push('str' in i ? i.str : '');
      if ('str' in i && i.str.trim())
        placed.push({ str: i.str, page: n, x: i.transform[4], y: i.transform[5], w: i.width });
    }
  }
  const info = (await doc.getMetadata()).info as Record<string, unknown>;
  return { items, placed, text: items.join(' '), pages: doc.numPages, info };
}

describe('renderCertificate', () => {
  it('names each document with its hash as one string, the approver and their evidence', async () => {
    const { items, text, info } = await textOf(await renderCertificate(sample()));
    expect(items).toContain(hash(1));
    expect(items).toContain(hash(2));
    expect(text).toContain('Zoë Ōtani <zoe@example.test>');
    expect(text).toContain('198.51.100.23');
    expect(text).toContain('Safari on iPhone (iOS 18)');
    expect(text).toContain('not recorded');
    expect(text).toContain('“I have reviewed these 2 documents and approve them.”');
    expect(text).toContain('14 Oct 2026, 11:04 EDT (14 Oct 2026, 15:04 UTC)');
    expect(info.Keywords).toBe(`${CERTIFICATE_KEYWORD} packet:${sample().packetId} version:2`);
    expect(info.Producer).toBe('Sheaf');
  });

  it('prints names in Latin, Greek and Cyrillic as they were typed', async () => {
    const names = [
      'Łukasz Wałęsa',
      'Őrs Dvořák',
      'Ζωή Παπαδοπούλου',
      'Олена Шевченко',
      'Nguyễn Thị Hồng',
      'Siobhán Ní Bhriain'
    ];
    const data = sample();
    data.approvals = names.map((name, i) => ({
      ...data.approvals[0],
      decisionId: `d${i}`,
      name,
      email: `a${i}@example.test`
    }));
    const { text } = await textOf(await renderCertificate(data));
    for (const name of names) expect(text).toContain(name);
    // DejaVu has no CJK: those characters print as "?", the rest of the name as typed.
    expect(text).toContain('Łódź Bakery ?? (LODZ)');
    expect(text).not.toContain('Lukasz');
  });

  it('prints other scripts as "?", and a script fontkit cannot shape does not stop it', async () => {
    const data = sample();
    // DejaVu has Tifinagh, but fontkit's shaper for it throws: a user agent could carry it.
    data.approvals = [{ ...data.approvals[0], name: 'ⵜⴰⵎⴰⵣⵉⵖⵜ Ana', userAgent: 'ⵜ Mozilla/5.0' }];
    const { text } = await textOf(await renderCertificate(data));
    expect(text).toContain('???????? Ana <zoe@example.test>');
    expect(text).toContain('? Mozilla/5.0');
  });

  it('gives the same bytes whatever the process drew before', async () => {
    // fontkit remembers which code points first reached a glyph (ﬁ or f+i, µ or μ), and they go
    // into the PDF's text map: each certificate parses its fonts afresh. A fresh copy of the
    // module draws the odd characters first.
    vi.resetModules();
    const fresh = await import('./render');
    const other = sample();
    other.client.name = 'ﬁﬂ µ Ω K Å';
    other.title = 'ﬁnal ﬂow';
    await fresh.renderCertificate(other);
    const after = await fresh.renderCertificate(sample());
    expect(fileSha256(after)).toBe(fileSha256(await renderCertificate(sample())));
  });

  it('prints a right-to-left name as "?", never backwards', async () => {
    const data = sample();
    data.approvals = [{ ...data.approvals[0], name: 'سارة כהן', email: 'sara@example.test' }];
    const { text } = await textOf(await renderCertificate(data));
    expect(text).toContain('???? ??? <sara@example.test>');
  });

  it('keeps each event’s time clear of its words, in one column', async () => {
    const data = sample();
    // The widest time a label shows: a two-digit day, and a zone named by its offset.
    data.firm.timeZone = 'Pacific/Chatham';
    const at = new Date('2026-12-17T10:04:00Z');
    data.signedOffAt = at;
    // Times of different widths: "9 Jan" and "17 Dec".
    data.events = [
      ['Ada', new Date('2026-01-09T10:04:00Z')],
      ['Bartholomew Featherstonehaugh-Wolfeschlegel', new Date('2026-12-17T10:03:00Z')]
    ].map(([actor, when]) => ({
      at: when as Date,
      actor: actor as string,
      action: 'document.viewed',
      data: { version: 2, document: 'Statement' }
    }));
    const items = (await textOf(await renderCertificate(data))).placed;
    const labels = items.filter((i) => /^(9 Jan|17 Dec) 2026, \d\d:\d\d GMT\+13:45$/.test(i.str));
    expect(labels).toHaveLength(2);
    const values = labels.map((label) => {
      const value = items.find(
        (i) => i.page === label.page && i.y === label.y && i.x > label.x && i !== label
      );
      expect(value, `the words beside ${label.str}`).toBeDefined();
      expect(label.x + label.w).toBeLessThan(value!.x);
      return value!;
    });
    expect(values[0].str).toMatch(/^Ada opened a document/);
    expect(values[1].x).toBe(values[0].x);
  });

  it('gives the same bytes for the same data', async () => {
    const a = await renderCertificate(sample());
    await new Promise((r) => setTimeout(r, 1100));
    const b = await renderCertificate(sample());
    expect(fileSha256(b)).toBe(fileSha256(a));
  });

  it('shows the firm’s logo above its name, the same bytes each time', async () => {
    const logo = { png: drawnImage('png', 768, 256), width: 768, height: 256 };
    const a = await renderCertificate(sample(), logo);
    const b = await renderCertificate(sample(), { ...logo, png: new Uint8Array(logo.png) });
    expect(fileSha256(b)).toBe(fileSha256(a));
    expect(fileSha256(a)).not.toBe(fileSha256(await renderCertificate(sample())));
    const doc = await getDocument({ data: new Uint8Array(a), verbosity: 0 }).promise;
    const { fnArray } = await (await doc.getPage(1)).getOperatorList();
    const { OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    expect(fnArray).toContain(OPS.paintImageXObject);
    expect((await textOf(a)).text).toContain('Harbor & Pine Bookkeeping');
  });

  it('runs onto more pages when there is more to say, each with its page number', async () => {
    const { pages, text } = await textOf(await renderCertificate(sample(200)));
    expect(pages).toBeGreaterThan(2);
    expect(text).toContain(`page ${pages} of ${pages}`);
    expect(text).toContain('Statement 199');
  });
});
