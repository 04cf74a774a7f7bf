import type { Kysely } from 'kysely';
import type { CalendarRow } from '../../../adapters/db/tables/calendars.js';
import type { Database } from '../../../adapters/db/tables/index.js';
import { FREE_BUSY_ONLY_ROLE, NO_CHANNEL, scoped } from '../calendar-scope.js';
import type { CalendarRef } from '../../../kernel/refs.js';

/** A push channel as stored on its calendar (the token only as its SHA-256). */
interface StoredChannel {
  id: string;
  resourceId: string;
  tokenHash: string;
  expiresAt: Date;
}

/** The push-channel columns of `calendars`. */
export class PushChannelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The calendar a notification's channel id belongs to (channel ids are unique across calendars). */
  async findByChannelId(channelId: string): Promise<CalendarRow | undefined> {
    return this.db.selectFrom('calendars').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
  }

  /**
   * Stores a new channel in place of `previousId` (null: the calendar had none). Conditional on the
   * previous one still being there, so two renewals racing store one channel; returns false for the
   * loser, which must stop the channel it opened.
   */
  async replace(
    ref: CalendarRef,
    previousId: string | null,
    channel: StoredChannel,
    now: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('calendars')
      .set({
        channel_id: channel.id,
        channel_resource_id: channel.resourceId,
        channel_token_hash: channel.tokenHash,
        channel_expires_at: channel.expiresAt,
        updated_at: now,
      })
      .where(scoped(ref))
      .where((eb) => (previousId === null ? eb('channel_id', 'is', null) : eb('channel_id', '=', previousId)))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Forgets the calendar's channel if it is still `channelId`. */
  async clear(ref: CalendarRef, channelId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('calendars')
      .set({ ...NO_CHANNEL, updated_at: now })
      .where(scoped(ref))
      .where('channel_id', '=', channelId)
      .execute();
  }

  /**
   * Selected calendars of active connections whose channel is missing or expires before
   * `renewBefore`: what the renewal job opens or renews. Calendars shared as free/busy only are
   * left out: their events cannot be read, so Google refuses to watch them. A read-only join:
   * `calendars` is the main table, so the query stands here.
   */
  async needingChannel(renewBefore: Date, limit: number): Promise<CalendarRow[]> {
    return this.db
      .selectFrom('calendars')
      .innerJoin('connections', 'connections.id', 'calendars.connection_id')
      .selectAll('calendars')
      .where('calendars.selected', '=', true)
      .where('connections.status', '=', 'active')
      .where((eb) =>
        eb.or([
          eb('calendars.access_role', 'is', null),
          eb('calendars.access_role', '<>', FREE_BUSY_ONLY_ROLE),
        ]),
      )
      .where((eb) =>
        eb.or([eb('calendars.channel_id', 'is', null), eb('calendars.channel_expires_at', '<', renewBefore)]),
      )
      .orderBy('calendars.channel_expires_at')
      .limit(limit)
      .execute();
  }
}
