import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, csvRow, neutraliseFormula } from './csv';

describe('csvCell', () => {
  it('leaves plain text and numbers alone and writes nothing for a missing value', () => {
    expect(csvCell('Harbour Bakery Ltd')).toBe('Harbour Bakery Ltd');
    expect(csvCell(2)).toBe('2');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('quotes commas, quotes, CR and LF, doubling quotes', () => {
    expect(csvCell('Smith, Jones & Co')).toBe('"Smith, Jones & Co"');
    expect(csvCell('the "big" one')).toBe('"the ""big"" one"');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell('{"version":2,"contacts":["a@b.test"]}')).toBe(
      '"{""version"":2,""contacts"":[""a@b.test""]}"'
    );
  });

  it.each([
    ['=HYPERLINK("http://evil.test","Click")', `"'=HYPERLINK(""http://evil.test"",""Click"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`]
  ])('neutralises a formula-leading cell: %j', (payload, written) => {
    expect(csvCell(payload)).toBe(written);
  });

  it('only looks at the first character', () => {
    expect(neutraliseFormula('a=b')).toBe('a=b');
    expect(neutraliseFormula(' =1')).toBe(' =1');
    expect(neutraliseFormula("'=1")).toBe("'=1");
  });

  it('keeps any Unicode as it is', () => {
    expect(csvCell('Zoë Ångström 日本 🙂')).toBe('Zoë Ångström 日本 🙂');
    expect(csvCell('−5 (a minus sign: not a hyphen)')).toBe('−5 (a minus sign: not a hyphen)');
  });
});

describe('csvRow', () => {
  it('ends each record with CRLF and reads back as written', () => {
    const rows = [
      ['Time', 'Who', 'Details'],
      ['2026-12-06T14:00:00.000Z', '=cmd|"/c calc"!A1', 'a,b\r\nc'],
      ['', '+1', 'Zoë "Z" 🙂']
    ];
    const text = CSV_BOM + rows.map(csvRow).join('');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(5); // 3 records, one quoted CRLF, the final empty
    const back = parse(text, { bom: true, relax_quotes: false }) as string[][];
    expect(back).toEqual([
      ['Time', 'Who', 'Details'],
      ['2026-12-06T14:00:00.000Z', `'=cmd|"/c calc"!A1`, 'a,b\r\nc'],
      ['', "'+1", 'Zoë "Z" 🙂']
    ]);
  });
});
