/**
 * One calendar on one user's calendar list (`CalendarListEntry`), with the user's own settings for
 * it. An entry removed from the list (unsubscribed, unshared, or its calendar deleted) stays as a
 * tombstone, so that the list's incremental sync and `showDeleted` can report it.
 */
export interface CalendarListRecord {
  calendarId: string;
  /** Change number of the entry's last change: orders the list's incremental sync. */
  seq: number;
  deleted: boolean;
  hidden: boolean;
  selected: boolean;
  /** The user's own name for the calendar. */
  summaryOverride?: string;
  /** The user's own colours for the calendar (set with colorRgbFormat); else the calendar's. */
  backgroundColor?: string;
  foregroundColor?: string;
}

/** Per-user settings a client may change (calendarList.patch / update); a null override clears it. */
export interface CalendarListSettings {
  hidden?: boolean;
  selected?: boolean;
  summaryOverride?: string | null;
  backgroundColor?: string;
  foregroundColor?: string;
}

/** Every user's calendar list, by email then calendar id (insertion order kept). */
export class CalendarLists {
  private readonly byUser = new Map<string, Map<string, CalendarListRecord>>();

  entriesOf(email: string): CalendarListRecord[] {
    return [...(this.byUser.get(email)?.values() ?? [])];
  }

  get(email: string, calendarId: string): CalendarListRecord | undefined {
    return this.byUser.get(email)?.get(calendarId);
  }

  /** Stores the entry as given (a change number is the caller's). */
  set(email: string, record: CalendarListRecord): void {
    let list = this.byUser.get(email);
    if (!list) {
      list = new Map<string, CalendarListRecord>();
      this.byUser.set(email, list);
    }
    list.set(record.calendarId, record);
  }

  /** Emails whose list has an entry (live or removed) for the calendar. */
  usersWith(calendarId: string): string[] {
    const out: string[] = [];
    for (const [email, list] of this.byUser) if (list.has(calendarId)) out.push(email);
    return out;
  }

  /** Every entry, for snapshots. */
  all(): Array<{ email: string; entries: CalendarListRecord[] }> {
    return [...this.byUser].map(([email, list]) => ({ email, entries: [...list.values()] }));
  }

  clear(): void {
    this.byUser.clear();
  }
}
