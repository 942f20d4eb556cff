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
