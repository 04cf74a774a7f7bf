import type { ConnectionRef, Owner } from '../../kernel/refs.js';
import type { ConnectionStatus } from '../../kernel/values.js';

export type { ConnectionStatus } from '../../kernel/values.js';

export type { ConnectionRef, Owner } from '../../kernel/refs.js';

/** A Google Calendar connection without its secrets. */
export interface Connection extends ConnectionRef {
  status: ConnectionStatus;
  googleEmail: string | null;
  scopes: string[];
  tokenExpiresAt: Date | null;
  connectedAt: Date | null;
  lastSyncAt: Date | null;
  lastError: string | null;
}

/** A synced calendar as the status endpoint shows it. */
export interface CalendarSummary {
  id: string;
  googleCalendarId: string;
  summary: string | null;
  primary: boolean;
  selected: boolean;
  timeZone: string | null;
  syncStatus: 'idle' | 'syncing' | 'error';
  lastSyncAt: Date | null;
  lastError: string | null;
  /** Events Google sent that the CRM cannot store, and why the latest of them was skipped. */
  skippedEvents: number;
  lastSkipReason: string | null;
  lastSkippedAt: Date | null;
}

export interface ConnectionStatusView {
  connected: boolean;
  status: ConnectionStatus;
  connectionId: string | null;
  googleEmail: string | null;
  connectedAt: Date | null;
  scopes: string[];
  lastSyncAt: Date | null;
  lastError: string | null;
  calendars: CalendarSummary[];
}

/** What DELETE /integrations/calendar did. */
export interface DisconnectSummary {
  /** False when there was no connection to disconnect. */
  disconnected: boolean;
  channelsStopped: number;
  /** Channels that could not be stopped at Google (they expire on their own). */
  channelErrors: string[];
  tokenRevoked: boolean;
  /** Why revocation failed; local tokens are deleted regardless. */
  revokeError: string | null;
  purged: boolean;
  calendarsDeleted: number;
  eventsDeleted: number;
}

/**
 * The additional authenticated data of a connection's token ciphertexts: the owner, so a
 * ciphertext copied into another user's row does not decrypt.
 */
export function tokenContext(owner: Owner): string {
  // JSON keeps the encoding unambiguous whatever characters the ids contain.
  return JSON.stringify(['connection-token', owner.tenantId, owner.userId]);
}

/** AAD of a PKCE verifier: the owner and the state hash, so it is bound to one state row. */
export function verifierContext(owner: Owner, stateHash: string): string {
  return JSON.stringify(['oauth-verifier', owner.tenantId, owner.userId, stateHash]);
}
