// The firm's sender: the name on its mail's From line and, where its domain is verified, its
// own address. Owners set them in /firm/settings.
import { z } from 'zod';
import { normaliseEmail } from '../../format/email-address';
import {
  addressDomain,
  parseMailbox,
  senderDisplayName,
  senderNameProblem
} from '../../format/mail-sender';
import { getConfig, type Config } from '../config';
import type { Db } from '../db/client';
import type { Firm } from '../db/schema';
import { defaultSenderAddress, firmEnvelope } from '../email/sender';
import {
  checkSenderDomain,
  senderDomainLabel,
  senderDomainRefusal,
  type SenderDomainStatus
} from '../email/sender-domains';
import { updateFirmSetting, type SettingActor } from './settings';

export const senderSettingsSchema = z.object({
  senderName: z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = senderNameProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((v) => v || null),
  fromEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'At most 254 characters.')
    .refine(
      (v) => v === '' || normaliseEmail(v) !== null,
      'Enter an address like clients@ledgerline.com, or leave it empty to send from Sheaf’s.'
    )
    .transform((v) => v || null)
});

export type SenderSettings = z.output<typeof senderSettingsSchema>;

type SenderConfig = Pick<
  Config,
  'MAIL_FROM' | 'SENDER_DOMAINS' | 'POSTMARK_ACCOUNT_TOKEN' | 'POSTMARK_API_URL'
>;

/** What the settings page shows about the sender, the own address's domain checked now. */
export async function senderView(f: Firm, config: SenderConfig = getConfig()) {
  const domain = f.fromEmail ? addressDomain(f.fromEmail) : null;
  const status: SenderDomainStatus | null = domain ? await checkSenderDomain(domain, config) : null;
  const now = parseMailbox(firmEnvelope(f, config).from!);
  return {
    senderName: f.senderName,
    fromEmail: f.fromEmail,
    defaultName: senderDisplayName(f.name, null),
    defaultAddress: defaultSenderAddress(config),
    /** What the firm's mail shows now. */
    current: `${now.name} <${now.address}>`,
    domain,
    status: status && {
      ...senderDomainLabel(status),
      /** Known not to be verified: mail goes (or will fall back) to the default address. */
      lapsed: status.state !== 'verified' && status.state !== 'unknown'
    }
  };
}

export type SenderSaveResult =
  { ok: true; changed: boolean } | { ok: false; field: keyof SenderSettings; message: string };

/**
 * Saves the sender name and own address, audited like every firm setting. A new own address is
 * taken only when its domain is verified now (checkSenderDomain); otherwise nothing is saved and
 * the reason comes back.
 */
export async function updateSenderSettings(
  db: Db,
  current: Firm,
  next: SenderSettings,
  actor: SettingActor,
  config: SenderConfig = getConfig()
): Promise<SenderSaveResult> {
  if (next.fromEmail && next.fromEmail !== current.fromEmail) {
    const domain = addressDomain(next.fromEmail);
    const refusal = senderDomainRefusal(domain, await checkSenderDomain(domain, config));
    if (refusal) return { ok: false, field: 'fromEmail', message: refusal };
  }
  const changed = await db.transaction(async (tx) => {
    const name = await updateFirmSetting(tx, current, 'senderName', next.senderName, actor);
    const from = await updateFirmSetting(tx, current, 'fromEmail', next.fromEmail, actor);
    return name || from;
  });
  return { ok: true, changed };
}
