/** A passkey as /account shows it (credentials.ts PasskeySummary, as the page receives it). */
export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  synced: boolean;
}

/** What the rename and remove actions answered, for the passkey they were about. */
export interface PasskeyOutcome {
  passkeyId?: string;
  passkeyError?: string;
  passkeyName?: string;
  passkeySaved?: 'renamed' | 'removed';
}
