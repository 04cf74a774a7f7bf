import type { StoredEvent } from './types.js';

interface ChangeRecord {
  seq: number;
  id: string;
}

/**
 * The events of one calendar plus an append-only change log ordered by change number.
 * Incremental reads binary-search the log, so their cost follows the number of changes since
 * a sync token, not the size of the calendar. Superseded log entries are dropped lazily.
 */
export class EventStore {
  private readonly byId = new Map<string, StoredEvent>();
  private log: ChangeRecord[] = [];
  private lastSeqValue = 0;
  /** `updated` of the newest change (the collection's last modification time). */
  lastUpdatedMs = 0;

  get size(): number {
    return this.byId.size;
  }

  get lastSeq(): number {
    return this.lastSeqValue;
  }

  get(id: string): StoredEvent | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<StoredEvent> {
    return this.byId.values();
  }

  /** Stores a new version of an event. Its `seq` must be newer than every stored change. */
  put(event: StoredEvent): void {
    if (event.seq <= this.lastSeqValue) {
      throw new Error(`change ${event.seq} is not newer than ${this.lastSeqValue}`);
    }
    this.byId.set(event.id, event);
    this.log.push({ seq: event.seq, id: event.id });
    this.lastSeqValue = event.seq;
    this.lastUpdatedMs = Math.max(this.lastUpdatedMs, event.updatedMs);
    if (this.log.length > 2 * this.byId.size + 1024) this.compact();
  }

  /**
   * Visits current events in change order with afterSeq < seq <= maxSeq. Stops when the visitor
   * returns false. Cost: log(n) plus the entries visited.
   */
  scanBySeq(afterSeq: number, maxSeq: number, visit: (event: StoredEvent) => boolean): void {
    for (let i = this.firstIndexAfter(afterSeq); i < this.log.length; i++) {
      const entry = this.log[i];
      if (!entry || entry.seq > maxSeq) return;
      const event = this.byId.get(entry.id);
      if (!event || event.seq !== entry.seq) continue;
      if (!visit(event)) return;
    }
  }

  /** Every event as of its latest change, oldest change first. */
  all(): StoredEvent[] {
    const out: StoredEvent[] = [];
    this.scanBySeq(0, Number.MAX_SAFE_INTEGER, (e) => {
      out.push(e);
      return true;
    });
    return out;
  }

  /** Restores a stored event from a snapshot (events must be loaded in change order). */
  restore(event: StoredEvent): void {
    this.put(event);
  }

  private firstIndexAfter(seq: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.log[mid]?.seq ?? 0) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    this.log = this.log.filter((entry) => this.byId.get(entry.id)?.seq === entry.seq);
  }
}
