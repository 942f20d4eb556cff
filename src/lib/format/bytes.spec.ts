import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

describe('formatBytes', () => {
  it('counts bytes and whole kilobytes', () => {
    expect(formatBytes(0)).toBe('0\u00a0B');
    expect(formatBytes(1023)).toBe('1023\u00a0B');
    expect(formatBytes(1024)).toBe('1\u00a0KB');
    expect(formatBytes(394 * 1024 + 300)).toBe('394\u00a0KB');
  });

  it('keeps a decimal for small megabytes, whole ones from 10 MB', () => {
    expect(formatBytes(1024 * 1024)).toBe('1.0\u00a0MB');
    expect(formatBytes(2.84 * 1024 * 1024)).toBe('2.8\u00a0MB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50\u00a0MB');
  });

  it('names a quota of a gigabyte or more in GB, not thousands of MB', () => {
    expect(formatBytes(10247 * 1024 * 1024)).toBe('10.0\u00a0GB');
    expect(formatBytes(1024 ** 3)).toBe('1.0\u00a0GB');
    expect(formatBytes(1023.9 * 1024 * 1024)).toBe('1.0\u00a0GB');
    expect(formatBytes(1023.7 * 1024)).toBe('1.0\u00a0MB');
    expect(formatBytes(58.31 * 1024 ** 3)).toBe('58.3\u00a0GB');
  });

  it('never shows a fraction of a byte or a negative size', () => {
    expect(formatBytes(512.6)).toBe('513\u00a0B');
    expect(formatBytes(-5)).toBe('0\u00a0B');
  });
});
