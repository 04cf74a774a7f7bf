import { randomInt } from 'node:crypto';
import { Clock } from '../clock.js';
import { OAuthStore } from '../oauth/oauth-store.js';
import { FaultRegistry } from '../admin/faults.js';
import { RequestCounter } from '../admin/request-counter.js';
import { RateLimiter } from '../admin/rate-limit.js';
import type { EventStore } from './event-store.js';
import { Mailbox } from './mailbox.js';
import type { CalendarMeta, UserRecord } from './types.js';

export interface Settings {
  autoConsent: boolean;
  rateLimitPerMinute: number;
  webhookRetryBaseMs: number;
}

export interface CalendarRecord {
  meta: CalendarMeta;
  store: EventStore;
}

export interface ChannelRecord {
  id: string;
  resourceId: string;
  resourceUri: string;
  token?: string;
  address: string;
  expirationMs: number;
  calendarId: string;
  ownerEmail: string;
  /** Number of the last notification sent (1 is the `sync` message). */
  messageNumber: number;
  stopped: boolean;
  createdMs: number;
}

export type ChangeListener = (calendarIds: string[]) => void;

/**
 * All emulated state, in memory. Writers call `markChanged` for every calendar they touch; the
 * listeners (push channels) hear about each calendar once per synchronous operation.
 */
export class EmulatorState {
  readonly clock = new Clock();
  readonly oauth = new OAuthStore();
  readonly faults = new FaultRegistry();
  readonly requests = new RequestCounter();
  readonly rateLimiter = new RateLimiter();
  readonly mailbox = new Mailbox();
  readonly users = new Map<string, UserRecord>();
  readonly calendars = new Map<string, CalendarRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  settings: Settings;
  /** Global, monotonic change counter: every modification of an event takes the next value. */
  seq = 0;
  /**
   * Sync tokens carry the generation they were issued in; expiring them all bumps it. It starts
   * at a random value so that tokens from another run or from before a reset are unknown here.
   */
  syncGeneration = randomGeneration();

  private readonly initialSettings: Settings;
  private readonly listeners: ChangeListener[] = [];
  private pending = new Set<string>();
  private flushScheduled = false;

  constructor(settings: Settings) {
    this.initialSettings = { ...settings };
    this.settings = { ...settings };
  }

  now(): number {
    return this.clock.now();
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  markChanged(calendarId: string): void {
    this.pending.add(calendarId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      const ids = [...this.pending];
      this.pending = new Set();
      for (const listener of this.listeners) listener(ids);
    });
  }

  /** Forgets everything: users, calendars, tokens, channels, mailbox, faults, counters, clock. */
  reset(): void {
    this.clock.reset();
    this.oauth.clear();
    this.faults.clear();
    this.requests.reset();
    this.rateLimiter.clear();
    this.mailbox.clear();
    this.users.clear();
    this.calendars.clear();
    this.channels.clear();
    this.settings = { ...this.initialSettings };
    this.seq = 0;
    this.syncGeneration = randomGeneration();
  }
}

function randomGeneration(): number {
  return randomInt(1, 2 ** 40);
}
