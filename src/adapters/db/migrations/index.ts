import type { Migration } from 'kysely';
import * as initial from './20261124120000_initial.js';
import * as pullSync from './20261124130000_pull_sync.js';
import * as eventPush from './20261124140000_event_push.js';
import * as eventEntitySource from './20261125120000_event_entity_source.js';
import * as eventEntitySourceNone from './20261201120000_event_entity_source_none.js';
import * as eventVisibilityGuests from './20261203120000_event_visibility_guests.js';
import * as eventTypes from './20261203121000_event_types.js';
import * as oauthStateBrowserBinding from './20261203140000_oauth_state_browser_binding.js';
import * as skippedEvents from './20261203150000_skipped_events.js';
import * as calendarColors from './20261205120000_calendar_colors.js';
import * as eventSplitFrom from './20261207120000_event_split_from.js';
import * as eventPushSent from './20261208120000_event_push_sent.js';

/**
 * Every migration, by name (its timestamped file name). A static map rather than a folder scan, so
 * the list is checked by the compiler and works the same from source and from a bundle.
 * Forward-only: add a new timestamped file and one line here; never edit a landed migration.
 */
export const migrations: Record<string, Migration> = {
  '20261124120000_initial': initial,
  '20261124130000_pull_sync': pullSync,
  '20261124140000_event_push': eventPush,
  '20261125120000_event_entity_source': eventEntitySource,
  '20261201120000_event_entity_source_none': eventEntitySourceNone,
  '20261203120000_event_visibility_guests': eventVisibilityGuests,
  '20261203121000_event_types': eventTypes,
  '20261203140000_oauth_state_browser_binding': oauthStateBrowserBinding,
  '20261203150000_skipped_events': skippedEvents,
  '20261205120000_calendar_colors': calendarColors,
  '20261207120000_event_split_from': eventSplitFrom,
  '20261208120000_event_push_sent': eventPushSent,
};
