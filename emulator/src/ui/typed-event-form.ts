import { DateTime } from 'luxon';
import { AdminError } from '../errors.js';

type Form = Record<string, string | undefined>;

/**
 * The dashboard's fields for Google's special event types: what the create form offers, and the
 * event body fields each type needs (its properties; a birthday's date and yearly rule).
 */
export const TYPED_EVENT_FIELDS = `<label>Type<select name="eventType">
    <option value="default">default</option><option value="outOfOffice">outOfOffice</option>
    <option value="focusTime">focusTime</option><option value="workingLocation">workingLocation</option>
    <option value="birthday">birthday (start date)</option><option value="fromGmail">fromGmail</option></select></label>
  <label>Auto-decline (out of office, focus time)<select name="autoDeclineMode">
    <option value="declineNone">declineNone</option>
    <option value="declineAllConflictingInvitations">declineAllConflictingInvitations</option>
    <option value="declineOnlyNewConflictingInvitations">declineOnlyNewConflictingInvitations</option></select></label>
  <label>Decline message<input name="declineMessage"></label>
  <label>Working location<select name="workingLocation">
    <option value="homeOffice">homeOffice</option><option value="officeLocation">officeLocation</option>
    <option value="customLocation">customLocation</option></select></label>
  <label>Location label<input name="locationLabel"></label>`;

function declineProperties(form: Form): Record<string, string> {
  const props: Record<string, string> = { autoDeclineMode: form.autoDeclineMode || 'declineNone' };
  if (form.declineMessage) props.declineMessage = form.declineMessage;
  return props;
}

export function typedFields(type: string, form: Form): Record<string, unknown> {
  switch (type) {
    case 'default':
      return {};
    case 'fromGmail':
      return { eventType: type };
    case 'outOfOffice':
      return { eventType: type, outOfOfficeProperties: declineProperties(form) };
    case 'focusTime':
      return { eventType: type, focusTimeProperties: declineProperties(form) };
    case 'workingLocation': {
      const kind = form.workingLocation || 'homeOffice';
      const label = form.locationLabel ? { label: form.locationLabel } : {};
      const props: Record<string, unknown> = { type: kind };
      if (kind === 'homeOffice') props.homeOffice = {};
      else if (kind === 'officeLocation') props.officeLocation = label;
      else props.customLocation = label;
      return { eventType: type, workingLocationProperties: props };
    }
    case 'birthday': {
      const day = DateTime.fromISO((form.start ?? '').slice(0, 10));
      if (!day.isValid) throw new AdminError(400, 'Invalid start date');
      const leap = day.month === 2 && day.day === 29;
      return {
        eventType: type,
        start: { date: day.toISODate() },
        end: { date: day.plus({ days: 1 }).toISODate() },
        recurrence: [leap ? 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1' : 'RRULE:FREQ=YEARLY'],
      };
    }
    default:
      throw new AdminError(400, `Unknown event type ${type}`);
  }
}
