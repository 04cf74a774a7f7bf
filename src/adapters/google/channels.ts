import type { Logger } from 'pino';
import { GoogleApiError } from './errors.js';
import type { GoogleCalendarClient } from './types.js';

/** A push channel to stop at Google, named by the calendar it watches (for reports). */
export interface OpenChannel {
  id: string;
  resourceId: string;
  googleCalendarId: string;
}

/** What stopping a set of channels did. */
export interface ChannelStopSummary {
  stopped: number;
  /** `<google calendar id>: <why>` for each channel Google did not stop (they expire on their own). */
  errors: string[];
}

/**
 * Stops each channel with `channels.stop` (https://developers.google.com/calendar/api/guides/push#stopping-notifications).
 * One failure does not stop the others; a channel Google no longer knows (404) counts as stopped.
 */
export async function stopChannels(
  api: GoogleCalendarClient,
  channels: readonly OpenChannel[],
  logger: Logger,
): Promise<ChannelStopSummary> {
  const summary: ChannelStopSummary = { stopped: 0, errors: [] };
  for (const channel of channels) {
    try {
      await api.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } });
      summary.stopped += 1;
    } catch (error) {
      if (error instanceof GoogleApiError && error.status === 404) {
        summary.stopped += 1; // Already gone at Google: the goal is reached.
        continue;
      }
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ channelId: channel.id, error: message }, 'Could not stop a push channel');
      summary.errors.push(`${channel.googleCalendarId}: ${message}`);
    }
  }
  return summary;
}
