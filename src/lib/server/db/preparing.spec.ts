import { describe, expect, it } from 'vitest';
import { MAX_PREPARED_PARAMS, preparing } from './client';

describe('preparing: which statements stay prepared on a connection', () => {
  const calls: { prepare?: boolean }[] = [];
  const client = preparing({
    unsafe: (_query: string, _params?: unknown[], options?: { prepare?: boolean }) =>
      calls.push(options ?? {}),
    other: 1
  });

  it('prepares a statement with a few parameters, not one without or with a long list', () => {
    calls.length = 0;
    client.unsafe('select $1', [1]);
    client.unsafe('select 1');
    client.unsafe('select ' + '$1,'.repeat(MAX_PREPARED_PARAMS), Array(MAX_PREPARED_PARAMS));
    // Each length of a list of ids is a text of its own: kept prepared, they would pile up.
    client.unsafe('select …', Array(MAX_PREPARED_PARAMS + 1).fill(0));
    expect(calls.map((c) => c.prepare ?? false)).toEqual([true, false, true, false]);
    expect(client.other).toBe(1);
  });
});
