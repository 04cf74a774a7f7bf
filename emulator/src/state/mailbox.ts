/**
 * Every invitation, update, cancellation and reply that Google would email, recorded instead of
 * sent. Read through `GET /__admin/mailbox?email=`.
 */
export type MailKind = 'invitation' | 'update' | 'cancellation' | 'reply';

export interface MailMessage {
  id: number;
  kind: MailKind;
  to: string;
  from: string;
  subject: string;
  eventId: string;
  iCalUID: string;
  calendarId: string;
  summary: string | null;
  start: { date?: string; dateTime?: string; timeZone?: string } | null;
  end: { date?: string; dateTime?: string; timeZone?: string } | null;
  sequence: number;
  /** For replies: the attendee's new response. */
  responseStatus?: string;
  sentAt: string;
}

export class Mailbox {
  private messages: MailMessage[] = [];
  private nextId = 1;

  add(message: Omit<MailMessage, 'id'>): void {
    this.messages.push({ id: this.nextId++, ...message });
  }

  list(email?: string): MailMessage[] {
    if (!email) return [...this.messages];
    const wanted = email.toLowerCase();
    return this.messages.filter((m) => m.to === wanted);
  }

  clear(): void {
    this.messages = [];
  }

  all(): MailMessage[] {
    return this.messages;
  }

  restore(messages: MailMessage[]): void {
    this.messages = [...messages];
    this.nextId = messages.reduce((max, m) => Math.max(max, m.id), 0) + 1;
  }
}
