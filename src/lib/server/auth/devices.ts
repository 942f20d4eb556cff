import { UAParser } from 'ua-parser-js';
import type { Session } from '../db/schema';

export interface Device {
  id: string;
  browser: string;
  os: string;
  kind: 'phone' | 'tablet' | 'computer';
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** "Safari on iOS": the device list of /account, from each session's user agent. */
export function describeDevice(userAgent: string | null): Pick<Device, 'browser' | 'os' | 'kind'> {
  const ua = UAParser(userAgent ?? '');
  const type = ua.device.type;
  return {
    browser: ua.browser.name ?? 'Unknown browser',
    os: ua.os.name
      ? `${ua.os.name}${ua.os.version ? ` ${ua.os.version.split('.')[0]}` : ''}`
      : 'unknown system',
    kind: type === 'mobile' ? 'phone' : type === 'tablet' ? 'tablet' : 'computer'
  };
}

export function toDevices(sessions: Session[], currentIdHash: string | null): Device[] {
  return sessions
    .map((s) => ({
      id: s.idHash,
      ...describeDevice(s.userAgent),
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      current: s.idHash === currentIdHash
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

const major = (version: string | undefined) => (version ? ` ${version.split('.')[0]}` : '');

/**
 * One line for evidence (the sign-off certificate): "Safari on iPhone (iOS 18)", "Chrome on
 * Pixel 8 (Android 14)", "Edge on Windows". A computer's system version is left out: browsers
 * freeze it in the user agent (macOS 10.15.7, Windows 10), so it would often be wrong.
 */
export function deviceSummary(userAgent: string | null): string {
  if (!userAgent?.trim()) return 'not recorded';
  const ua = UAParser(userAgent);
  const browser = ua.browser.name?.replace(/^Mobile /, '');
  const os = ua.os.name;
  if (!browser && !os) return 'unknown device';
  const what = browser ?? 'Unknown browser';
  const { type, model, vendor } = ua.device;
  if (type !== 'mobile' && type !== 'tablet') return os ? `${what} on ${os}` : what;
  const system = os ? `${os}${major(ua.os.version)}` : '';
  // Reduced Android user agents name the model "K": no model is better than a wrong one.
  const device =
    model && model.length > 1
      ? vendor && vendor !== 'Apple' && !model.startsWith(vendor)
        ? `${vendor} ${model}`
        : model
      : '';
  if (!device) return system ? `${what} on ${system}` : what;
  return system ? `${what} on ${device} (${system})` : `${what} on ${device}`;
}
