import type { FastifyInstance } from 'fastify';
import { googleErrors } from '../errors.js';
import { createSecondaryCalendar } from '../state/directory.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { removeFromCalendarList } from '../state/list-membership.js';
import { isValidTimeZone } from '../time.js';
import { renderCalendar } from './calendar-render.js';
import { isObject, optString } from './event-input-parts.js';
import { resolveCalendar } from './event-lookup.js';
import { calendarRoute } from './route-kit.js';

/** calendars.get / insert / delete: the calendars themselves (their list entries are per user). */
export function registerCalendarRoutes(app: FastifyInstance, state: EmulatorState): void {
  calendarRoute(app, state, {
    method: 'GET',
    url: 'calendars/:calendarId',
    methodId: 'calendar.calendars.get',
    params: {},
    handler: (ctx) =>
      renderCalendar(resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '', 'freeBusyReader')),
  });
  calendarRoute(app, state, {
    method: 'POST',
    url: 'calendars',
    methodId: 'calendar.calendars.insert',
    params: {},
    handler: (ctx) => {
      if (ctx.body === undefined) throw googleErrors.required('Required request body is missing.');
      if (!isObject(ctx.body)) throw googleErrors.badRequest('The request body must be a JSON object.');
      const summary = optString(ctx.body, 'summary', 1024);
      if (!summary) throw googleErrors.required('Missing summary.');
      const timeZone = optString(ctx.body, 'timeZone', 100);
      if (timeZone !== undefined && !isValidTimeZone(timeZone))
        throw googleErrors.invalid('Invalid time zone definition.');
      const calendar = createSecondaryCalendar(state, ctx.user, {
        summary,
        description: optString(ctx.body, 'description'),
        location: optString(ctx.body, 'location'),
        timeZone,
      });
      return renderCalendar(calendar);
    },
  });
  calendarRoute(app, state, {
    method: 'DELETE',
    url: 'calendars/:calendarId',
    methodId: 'calendar.calendars.delete',
    params: {},
    noContent: true,
    handler: (ctx) => {
      const calendar = resolveCalendar(state, ctx.user, ctx.params.calendarId ?? '');
      // "Deletes a secondary calendar. Use calendars.clear for clearing all events on primary calendars."
      if (calendar.meta.primary) throw googleErrors.badRequest('Cannot delete primary calendar.');
      // Gone with its events: later calls naming it answer 404 notFound, and it leaves the calendar
      // list of its owner and of everyone it was shared with (their lists' sync reports it removed).
      state.calendars.delete(calendar.meta.id);
      for (const email of state.calendarLists.usersWith(calendar.meta.id))
        removeFromCalendarList(state, email, calendar.meta.id);
      return undefined;
    },
  });
}
