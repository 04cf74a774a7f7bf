import { PreconditionFailedError } from '../../errors.js';
import { GoogleApiError, TokenRevokedError } from '../../google/errors.js';
import { defineJob } from '../definition.js';

/**
 * Pulls one calendar's changes from Google. The queue keeps at most one queued job per calendar
 * (policy `short`, singleton key = calendar id), so bursts of webhooks collapse into one job; the
 * pull itself runs under a per-calendar lease, so two workers never pull the same calendar at once
 * (a job that finds a pull running hands its trigger to it and ends). pg-boss's `stately` policy is
 * not used: in pg-boss 10 a queued job whose key is active makes the whole fetch fail, which
 * would stall every other calendar's pulls behind one long sync (test/sync-pull-exclusive.test.ts).
 */
export const calendarPullJob = defineJob({
  name: 'calendar.pull',
  queue: { retryLimit: 5, retryDelay: 15, retryBackoff: true, expireInSeconds: 3600, policy: 'short' },
  // A full sync of a large calendar takes minutes: it must not hold back other calendars' pulls.
  longRunning: true,
  async handle(ctx, data) {
    const { tenantId, userId, calendarId, trigger } = data;
    try {
      await ctx.services.pull.pull({ tenantId, userId, calendarId }, { trigger });
    } catch (error) {
      // The connection needs the user (reconnect) or is gone: retrying cannot help.
      if (error instanceof TokenRevokedError || error instanceof PreconditionFailedError) {
        ctx.logger.warn({ calendarId, error: error.message }, 'Pull skipped: the connection is not usable');
        return;
      }
      // Google refused for good: the calendar's status shows why; the next trigger tries again. (A
      // calendar deleted in Google, or no longer shared, does not get here: the pull removes it.)
      if (error instanceof GoogleApiError && error.status >= 400 && error.status < 500) {
        ctx.logger.warn({ calendarId, status: error.status, reason: error.reason }, 'Pull refused by Google');
        return;
      }
      throw error;
    }
  },
});
