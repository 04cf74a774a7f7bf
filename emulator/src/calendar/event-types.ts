import { googleErrors } from '../errors.js';
import type {
  AutoDeclineMode,
  BirthdayProperties,
  EventData,
  EventType,
  FocusTimeProperties,
  OfficeLocation,
  OutOfOfficeProperties,
  WorkingLocationProperties,
} from '../state/types.js';
import { isObject, optEnum, optString, type Json } from './event-input-parts.js';

/**
 * `eventType` and the properties of Google's special event types, parsed from an event body.
 * The rules each type follows when it is written are in event-type-rules.ts.
 * See https://developers.google.com/workspace/calendar/api/guides/event-types and
 * https://developers.google.com/workspace/calendar/api/guides/calendar-status
 */
export const EVENT_TYPES: readonly EventType[] = [
  'birthday',
  'default',
  'focusTime',
  'fromGmail',
  'outOfOffice',
  'workingLocation',
];

/** The property field that belongs to each type (default and fromGmail have none). */
export const TYPE_PROPERTY = {
  outOfOffice: 'outOfOfficeProperties',
  focusTime: 'focusTimeProperties',
  workingLocation: 'workingLocationProperties',
  birthday: 'birthdayProperties',
} as const satisfies Partial<Record<EventType, keyof EventData>>;

export const TYPE_PROPERTY_FIELDS = Object.values(TYPE_PROPERTY);

export function eventTypeOf(data: Pick<EventData, 'eventType'>): EventType {
  return data.eventType ?? 'default';
}

export interface EventTypeInput {
  eventType?: EventType;
  outOfOfficeProperties?: OutOfOfficeProperties;
  focusTimeProperties?: FocusTimeProperties;
  workingLocationProperties?: WorkingLocationProperties;
  birthdayProperties?: BirthdayProperties;
}

const DECLINE_MODES: readonly AutoDeclineMode[] = [
  'declineNone',
  'declineAllConflictingInvitations',
  'declineOnlyNewConflictingInvitations',
];
const LOCATION_TYPES = ['homeOffice', 'officeLocation', 'customLocation'] as const;
const BIRTHDAY_TYPES = ['birthday', 'anniversary', 'custom', 'other', 'self'] as const;
const OFFICE_FIELDS = ['buildingId', 'floorId', 'floorSectionId', 'deskId', 'label'] as const;

function objectField(raw: Json, field: string): Json | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw googleErrors.invalid(`Invalid value for ${field}: expected an object.`);
  return value;
}

function declineFields(raw: Json): OutOfOfficeProperties {
  const out: OutOfOfficeProperties = {};
  const mode = optEnum(raw, 'autoDeclineMode', DECLINE_MODES);
  if (mode !== undefined) out.autoDeclineMode = mode;
  const message = optString(raw, 'declineMessage', 1024);
  if (message !== undefined) out.declineMessage = message;
  return out;
}

function parseWorkingLocation(raw: Json): WorkingLocationProperties {
  const type = optEnum(raw, 'type', LOCATION_TYPES);
  if (type === undefined) {
    throw googleErrors.calendarError(
      'malformedWorkingLocationEvent',
      'Working location properties need a type: homeOffice, officeLocation or customLocation.',
    );
  }
  // Only the sub-field the type names is kept: Google ignores the others.
  if (type === 'homeOffice') return { type, homeOffice: {} };
  if (type === 'customLocation') {
    const custom = objectField(raw, 'customLocation');
    const label = custom ? optString(custom, 'label', 1024) : undefined;
    return { type, customLocation: label === undefined ? {} : { label } };
  }
  const office = objectField(raw, 'officeLocation');
  const officeLocation: OfficeLocation = {};
  for (const field of OFFICE_FIELDS) {
    const value = office ? optString(office, field, 1024) : undefined;
    if (value !== undefined) officeLocation[field] = value;
  }
  return { type, officeLocation };
}

/**
 * `birthdayProperties`: clients may only create `type: "birthday"` and never set the read-only
 * `contact` and `customTypeName` (they are ignored); `trusted` writers (the admin API) may set all.
 */
function parseBirthday(raw: Json, trusted: boolean): BirthdayProperties {
  const type = optEnum(raw, 'type', BIRTHDAY_TYPES) ?? 'birthday';
  if (!trusted && type !== 'birthday') {
    throw googleErrors.invalid(
      `Invalid value for birthdayProperties.type: only "birthday" can be created through the API.`,
    );
  }
  const out: BirthdayProperties = { type };
  if (!trusted) return out;
  const contact = optString(raw, 'contact', 256);
  if (contact !== undefined) out.contact = contact;
  const custom = optString(raw, 'customTypeName', 256);
  if (custom !== undefined) out.customTypeName = custom;
  return out;
}

/** Reads `eventType` and the type properties of a body; values are checked, rules are not. */
export function parseEventTypeFields(raw: Json, trusted: boolean): EventTypeInput {
  const out: EventTypeInput = {};
  const eventType = optEnum(raw, 'eventType', EVENT_TYPES);
  if (eventType !== undefined) out.eventType = eventType;
  const ooo = objectField(raw, 'outOfOfficeProperties');
  if (ooo) out.outOfOfficeProperties = declineFields(ooo);
  const focus = objectField(raw, 'focusTimeProperties');
  if (focus) {
    const props: FocusTimeProperties = declineFields(focus);
    const chat = optEnum(focus, 'chatStatus', ['available', 'doNotDisturb'] as const);
    if (chat !== undefined) props.chatStatus = chat;
    out.focusTimeProperties = props;
  }
  const location = objectField(raw, 'workingLocationProperties');
  if (location) out.workingLocationProperties = parseWorkingLocation(location);
  const birthday = objectField(raw, 'birthdayProperties');
  if (birthday) out.birthdayProperties = parseBirthday(birthday, trusted);
  return out;
}

/** Display titles of the special types, which `q` matches as Google does (English only). */
export function typeSearchText(data: EventData): string[] {
  switch (eventTypeOf(data)) {
    case 'outOfOffice':
      return ['Out of office'];
    case 'focusTime':
      return ['Focus time'];
    case 'workingLocation': {
      const wl = data.workingLocationProperties;
      const words = ['Working location'];
      if (wl?.type === 'homeOffice') words.push('Home');
      if (wl?.type === 'officeLocation') {
        words.push('Office');
        const o = wl.officeLocation;
        words.push(...[o?.buildingId, o?.deskId, o?.label].filter((v): v is string => v !== undefined));
      }
      if (wl?.type === 'customLocation' && wl.customLocation?.label !== undefined)
        words.push(wl.customLocation.label);
      return words;
    }
    default:
      return [];
  }
}
