import { describe, expect, it } from 'vitest';
import { inNudgeCooldown, lastRemindedText, NUDGE_COOLDOWN_MS } from './nudge';

const now = new Date('2026-12-06T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('nudge cooldown', () => {
  it('holds for 24 hours after the last reminder, not before any', () => {
    expect(inNudgeCooldown(null, now)).toBe(false);
    expect(inNudgeCooldown(ago(60_000), now)).toBe(true);
    expect(inNudgeCooldown(ago(NUDGE_COOLDOWN_MS - 1), now)).toBe(true);
    expect(inNudgeCooldown(ago(NUDGE_COOLDOWN_MS), now)).toBe(false);
    expect(inNudgeCooldown(ago(NUDGE_COOLDOWN_MS).toISOString(), now)).toBe(false);
  });

  it('says when the last reminder went', () => {
    expect(lastRemindedText(ago(3 * 3_600_000 + 60_000), now)).toBe('Last reminded 3 hours ago');
    expect(lastRemindedText(ago(10_000), now)).toBe('Last reminded just now');
    expect(lastRemindedText(ago(3 * 86_400_000), now)).toBe('Last reminded 3 days ago');
  });
});
