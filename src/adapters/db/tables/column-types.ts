import type { ColumnType } from 'kysely';

/** timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;
/** date: read as 'YYYY-MM-DD' (the drivers are configured not to turn dates into Date objects). */
export type DateOnly = ColumnType<string, string, string>;
