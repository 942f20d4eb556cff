// No client-facing component holds words a person reads that are not from messages/.
import { describe, expect, it } from 'vitest';
import { checkClientFacing, findUntranslated } from '../../scripts/check-untranslated';

describe('the untranslated-words check', () => {
  it('finds a text node, a visible attribute and a prose literal; passes code and messages', () => {
    const found = findUntranslated(
      'X.svelte',
      `<script lang="ts">
  import { m } from '$lib/paraglide/messages';
  const tone = 'bad';
  const said = 'Saved on this device';
  if (e.key === 'Escape') close();
</script>
<p class="muted" title="Hello there">Review it</p>
<button aria-label={m.close()}>{m.close()}</button>
<span>Sheaf · {count}</span>
<svg><text>icon</text></svg>`
    );
    expect(found.map((f) => f.text)).toEqual(['Saved on this device', 'Hello there', 'Review it']);
    expect(found.map((f) => f.line)).toEqual([4, 7, 7]);
  });

  it('every client-facing .svelte file speaks through messages', () => {
    expect(checkClientFacing(process.cwd())).toEqual([]);
  });
});
