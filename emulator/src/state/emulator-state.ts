import { randomInt } from 'node:crypto';
import { Clock } from '../clock.js';
import { OAuthStore } from '../oauth/oauth-store.js';
import { FaultRegistry } from '../admin/faults.js';
import { RequestCounter } from '../admin/request-counter.js';
import { RateLimiter } from '../admin/rate-limit.js';
import { CalendarLists } from './calendar-lists.js';
import type { EventStore } from './event-store.js';
import { Mailbox } from './mailbox.js';
import type { CalendarMeta, EventType, UserRecord } from './types.js';

export interface Settings {
  autoConsent: boolean;
  rateLimitPerMinute: number;
  webhookRetryBaseMs: number;
  /** Emulator time a Meet create request stays `pending` before its link arrives. */
  conferenceDelayMs: number;
  /** Requests one user may send within one second before 429 `rateLimitExceeded`; 0: no burst limit. */
  burstLimitPerSecond: number;
  /** Push channels may use plain `http://` addresses on loopback hosts (Google requires https). */
  loopbackHttpWebhooks: boolean;
}

/** A conference create request answered `pending`, settled at `readyAtMs` (emulator time). */
export interface PendingConference {
  calendarId: string;
  eventId: string;
  requestId: string;
  readyAtMs: number;
  /** Who the write that asked for it emails when the link arrives. */
  sendUpdates: 'all' | 'externalOnly' | 'none';
}

export interface CalendarRecord {
  meta: CalendarMeta;
  store: EventStore;
}

export interface ChannelRecord {
  id: string;
  /** What the channel watches: a calendar's events, or its owner's calendar list (absent: events). */
  resource?: 'events' | 'calendarList';
  resourceId: string;
  resourceUri: string;
  token?: string;
  address: string;
  expirationMs: number;
  /** The watched calendar; empty for a calendar-list channel. */
  calendarId: string;
  ownerEmail: string;
  /** Number of the last notification sent (1 is the `sync` message). */
  messageNumber: number;
  /** The `eventTypes` the channel watches (sorted); absent for every type. */
  eventTypes?: EventType[];
  stopped: boolean;
  createdMs: number;
}

/** The calendars changed by one synchronous operation, with the types of the events changed. */
export type CalendarChanges = ReadonlyMap<string, ReadonlySet<EventType>>;
/** The users whose calendar list changed in one synchronous operation. */
export type ListChanges = ReadonlySet<string>;
type ChangeListener = (changes: CalendarChanges, listChanges: ListChanges) => void;

/**
 * All emulated state, in memory. Writers call `markChanged` for every event they touch and
 * `markListChanged` for every calendar list they change; the listeners (push channels) hear about
 * each calendar and each list once per synchronous operation.
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
  /** Every user's calendar list, with its removed entries (calendarList sync). */
  readonly calendarLists = new CalendarLists();
  /** Pending conference create requests by `calendarId|eventId`. */
  readonly pendingConferences = new Map<string, PendingConference>();
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
  private pending = new Map<string, Set<EventType>>();
  private pendingLists = new Set<string>();
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

  markChanged(calendarId: string, eventType: EventType): void {
    let types = this.pending.get(calendarId);
    if (!types) this.pending.set(calendarId, (types = new Set()));
    types.add(eventType);
    this.scheduleFlush();
  }

  markListChanged(email: string): void {
    this.pendingLists.add(email);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      const changes = this.pending;
      const listChanges = this.pendingLists;
      this.pending = new Map();
      this.pendingLists = new Set();
      for (const listener of this.listeners) listener(changes, listChanges);
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
    this.calendarLists.clear();
    this.pendingConferences.clear();
    this.settings = { ...this.initialSettings };
    this.seq = 0;
    this.syncGeneration = randomGeneration();
  }
}

function randomGeneration(): number {
  return randomInt(1, 2 ** 40);
}
