import { describe, expect, it } from 'vitest';
import { matchClient } from './bulk-match';

const clients = [
  { id: '1', name: 'Acme Bakery', code: 'ACME' },
  { id: '2', name: 'Birch Dental', code: 'BIRCH-2' },
  { id: '3', name: 'Café Olé', code: 'CAFE' },
  { id: '4', name: 'Acme Bakery North', code: 'ACMEN' }
];

describe('matchClient', () => {
  it('matches a client code as a whole word, in any case', () => {
    expect(matchClient('acme_2026-Q3_statements.pdf', clients)?.id).toBe('1');
    expect(matchClient('Q3 birch-2 bank.pdf', clients)?.id).toBe('2');
  });
  it('does not match a code inside another word', () => {
    expect(matchClient('acmeco statements.pdf', clients)).toBeNull();
  });
  it('matches the full client name, ignoring accents and punctuation', () => {
    expect(matchClient('Cafe-Ole Q3.pdf', clients)?.id).toBe('3');
    expect(matchClient('Acme Bakery North - P&L.pdf', clients)?.id).toBe('4');
  });
  it('leaves unmatched files unmatched', () => {
    expect(matchClient('scan0001.pdf', clients)).toBeNull();
  });
});
