import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import { createApp, type AppContext } from '../app.js';
import { EmbeddedEmulatorBusyError, startEmbeddedEmulatorForCommand } from '../embedded-emulator.js';
import type { Config } from '../../adapters/config.js';
import type { CalendarRow } from '../../modules/calendars/index.js';
import { AppError } from '../../kernel/errors.js';
import type { CalendarSyncResult } from '../../modules/pull/index.js';

/**
 * `npm run sync -- --user <id> [--tenant <t>] [--incremental] [--calendar <id>]`: pulls a user's
 * selected calendars in the terminal (a full listing by default, which also reconciles deletions),
 * with a progress bar of the events fetched and a summary table. Runs the same pull as the
 * workers, under the same per-calendar lease, so it is safe next to running workers. With the
 * embedded emulator (no Google credentials) it starts that emulator from DATA_DIR's state for the
 * length of the command, as `npm start` would, and saves it afterwards.
 */

const SYNC_USAGE = `Usage: npm run sync -- --user <id> [--tenant <tenant>] [--incremental] [--calendar <calendar id>]

  --user         CRM user id whose selected calendars to sync (required)
  --tenant       tenant of the user (default: default)
  --incremental  only fetch what changed since the last pull (default: list the calendars in full)
  --calendar     only this calendar (an id from GET /calendar/calendars)
`;

interface SyncCliArgs {
  userId: string;
  tenantId: string;
  full: boolean;
  calendarId: string | undefined;
}

/** Output streams (the terminal, or buffers in tests). */
interface CliOutput {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Draw progress bars (a terminal); plain lines otherwise. */
  interactive: boolean;
}

/** Reads the arguments; throws an Error with the usage text when they are wrong. */
export function parseSyncArgs(argv: readonly string[]): SyncCliArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        user: { type: 'string' },
        tenant: { type: 'string', default: 'default' },
        incremental: { type: 'boolean', default: false },
        calendar: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n\n${SYNC_USAGE}`);
  }
  if (values.help === true) return 'help';
  if (values.user === undefined || values.user.trim() === '')
    throw new Error(`--user is required\n\n${SYNC_USAGE}`);
  return {
    userId: values.user,
    tenantId: values.tenant ?? 'default',
    full: values.incremental !== true,
    calendarId: values.calendar,
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The summary as an aligned text table. */
function summaryTable(
  rows: readonly { calendar: string; result: CalendarSyncResult; seconds: number }[],
): string {
  const header = [
    'calendar',
    'status',
    'fetched',
    'created',
    'updated',
    'deleted',
    'skipped',
    'listing',
    'seconds',
  ];
  const lines = rows.map(({ calendar, result, seconds }) => [
    calendar,
    result.status === 'busy' ? 'running elsewhere' : result.status,
    String(result.fetched),
    String(result.created),
    String(result.updated),
    String(result.deleted),
    String(result.skipped),
    result.fullSync ? 'full' : 'incremental',
    seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

/** Runs the sync for the parsed arguments on a built app; returns the process exit code. */
export async function runSync(ctx: AppContext, args: SyncCliArgs, io: CliOutput): Promise<number> {
  const owner = { tenantId: args.tenantId, userId: args.userId };
  const connection = await ctx.services.connections.find(owner);
  if (connection === undefined || connection.status === 'disconnected') {
    io.err.write(
      `User "${args.userId}" (tenant "${args.tenantId}") has no active Google Calendar connection. ` +
        'Connect it first: GET /integrations/calendar/connect as that user, then open the returned URL.\n',
    );
    return 1;
  }
  if (connection.status === 'reauth_required') {
    io.err.write(
      `The Google Calendar connection of "${args.userId}" needs to be reconnected: ${connection.lastError ?? 'Google refused its authorization'}.\n`,
    );
    return 1;
  }

  const bar = new cliProgress.SingleBar(
    {
      format: '{calendar} | {value} events fetched | {pages} pages | {duration_formatted}',
      stream: io.err,
      noTTYOutput: !io.interactive,
      notTTYSchedule: 5000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const rows: { calendar: string; result: CalendarSyncResult; seconds: number }[] = [];
  let current: { calendar: CalendarRow; started: number } | undefined;
  const seconds = new Map<string, number>();
  const finish = () => {
    if (current === undefined) return;
    bar.stop();
    seconds.set(current.calendar.id, (performance.now() - current.started) / 1000);
  };
  const name = (calendar: CalendarRow) => calendar.summary ?? calendar.google_calendar_id;
  const results = await ctx.services.syncNow.syncNow(owner, {
    trigger: 'cli',
    full: args.full,
    calendarId: args.calendarId,
    onCalendar: (calendar) => {
      finish();
      current = { calendar, started: performance.now() };
      bar.start(1, 0, { calendar: name(calendar), pages: 0 });
    },
    onPage: (_calendar, progress) => {
      bar.setTotal(Math.max(progress.fetched, 1));
      bar.update(progress.fetched, { pages: progress.pages });
    },
  });
  finish();

  const names = new Map((await ctx.services.calendars.list(owner)).map((c) => [c.id, name(c)]));
  for (const result of results) {
    rows.push({
      calendar: names.get(result.calendarId) ?? result.calendarId,
      result,
      seconds: seconds.get(result.calendarId) ?? 0,
    });
  }
  if (rows.length === 0) {
    io.out.write('No calendar is selected for sync (see GET /calendar/calendars).\n');
    return 0;
  }
  io.out.write(`\n${summaryTable(rows)}\n`);
  for (const { calendar, result } of rows) {
    if (result.status === 'failed') io.err.write(`${calendar}: ${result.reason ?? 'failed'}\n`);
  }
  return rows.some((r) => r.result.status === 'failed') ? 1 : 0;
}

/** The `sync` role of src/app/main.ts. */
export async function syncCli(config: Config, logger: Logger, argv: readonly string[]): Promise<'done'> {
  let args: SyncCliArgs | 'help';
  try {
    args = parseSyncArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
    return 'done';
  }
  if (args === 'help') {
    process.stdout.write(SYNC_USAGE);
    return 'done';
  }
  // Quiet logs: the terminal shows the progress bar; warnings and errors still go through.
  const quiet = logger.child({ component: 'cli' }, { level: logger.levelVal < 40 ? 'warn' : logger.level });
  let emulator;
  try {
    emulator = await startEmbeddedEmulatorForCommand(config, quiet);
  } catch (error) {
    if (!(error instanceof EmbeddedEmulatorBusyError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
    return 'done';
  }
  try {
    const ctx = await createApp(config, { logger: quiet, jobs: { maintenance: false, schedules: false } });
    try {
      process.exitCode = await runSync(ctx, args, {
        out: process.stdout,
        err: process.stderr,
        interactive: process.stderr.isTTY === true,
      });
    } catch (error) {
      process.stderr.write(
        `Sync failed: ${error instanceof AppError || error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  } finally {
    // Saves Google's side as the command left it (refreshed tokens included).
    await emulator?.close();
  }
  return 'done';
}
