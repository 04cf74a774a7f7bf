import { googleErrors } from '../errors.js';
import { randomLetters } from '../ids.js';
import type { ConferenceData } from '../state/types.js';
import { isObject } from './event-input-parts.js';

/**
 * Google Meet conferences. With `conferenceDataVersion=1`, `conferenceData.createRequest` asks
 * for a Meet link: the write answers `status.statusCode: "pending"` and the link (`hangoutLink`,
 * entry points) arrives a moment later (conference-jobs.ts); the same `requestId` is idempotent.
 * Other conference data is copied as given (known fields only). Without the version the body's
 * data is ignored.
 */
export interface ConferenceState {
  conferenceData?: ConferenceData;
  hangoutLink?: string;
}

const MEET_ICON =
  'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png';

function newMeetCode(): string {
  return `${randomLetters(3)}-${randomLetters(4)}-${randomLetters(3)}`;
}

/** The conference a create request ends with: a new Meet link, or `failure` without one. */
export function createdConference(requestId: string, failed: boolean): ConferenceState {
  if (failed) return { conferenceData: createRequestWith(requestId, 'failure') };
  return meetConference(requestId);
}

function createRequestWith(requestId: string, statusCode: string): ConferenceData {
  return {
    createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' }, status: { statusCode } },
  };
}

/** A conference whose creation is still under way. */
export function isPending(data: ConferenceState): boolean {
  return data.conferenceData?.createRequest?.status?.statusCode === 'pending';
}

function meetConference(requestId: string): ConferenceState {
  const code = newMeetCode();
  const pin = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
  return {
    hangoutLink: `https://meet.google.com/${code}`,
    conferenceData: {
      createRequest: {
        requestId,
        conferenceSolutionKey: { type: 'hangoutsMeet' },
        status: { statusCode: 'success' },
      },
      entryPoints: [
        { entryPointType: 'video', uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` },
        { entryPointType: 'more', uri: `https://tel.meet/${code}?pin=${pin}`, pin },
      ],
      conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet', iconUri: MEET_ICON },
      conferenceId: code,
    },
  };
}

export function applyConferenceInput(existing: ConferenceState, raw: unknown): ConferenceState {
  if (!isObject(raw)) throw googleErrors.invalid('Invalid value for conferenceData: expected an object.');
  const createRequest = raw.createRequest;
  if (createRequest !== undefined && createRequest !== null) {
    if (!isObject(createRequest)) throw googleErrors.invalid('Invalid conference create request.');
    const requestId = createRequest.requestId;
    if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 1024) {
      throw googleErrors.required('Missing conference create request id.');
    }
    const key = createRequest.conferenceSolutionKey;
    const type = isObject(key) ? key.type : 'hangoutsMeet';
    if (type !== 'hangoutsMeet') throw googleErrors.invalid('Invalid conference type value.');
    if (existing.conferenceData?.createRequest?.requestId === requestId) return existing;
    return { conferenceData: createRequestWith(requestId, 'pending') };
  }
  if (Object.keys(raw).length === 0) return {};
  return copyConference(raw);
}

function copyConference(raw: Record<string, unknown>): ConferenceState {
  const data: ConferenceData = {};
  if (typeof raw.conferenceId === 'string') data.conferenceId = raw.conferenceId.slice(0, 1024);
  const solution = raw.conferenceSolution;
  if (isObject(solution) && isObject(solution.key) && typeof solution.key.type === 'string') {
    data.conferenceSolution = { key: { type: solution.key.type } };
    if (typeof solution.name === 'string') data.conferenceSolution.name = solution.name;
    if (typeof solution.iconUri === 'string') data.conferenceSolution.iconUri = solution.iconUri;
  }
  if (Array.isArray(raw.entryPoints)) {
    data.entryPoints = raw.entryPoints.filter(isObject).map((ep) => {
      const clean: Record<string, unknown> = {};
      for (const field of [
        'entryPointType',
        'uri',
        'label',
        'pin',
        'accessCode',
        'meetingCode',
        'passcode',
        'password',
        'regionCode',
      ]) {
        if (typeof ep[field] === 'string') clean[field] = ep[field];
      }
      if (Array.isArray(ep.entryPointFeatures)) {
        clean.entryPointFeatures = ep.entryPointFeatures.filter((f) => typeof f === 'string');
      }
      return clean;
    });
    if (data.entryPoints.some((ep) => typeof ep.entryPointType !== 'string')) {
      throw googleErrors.invalid('Invalid conference entry point: entryPointType is required.');
    }
  }
  if (typeof raw.notes === 'string') data.notes = raw.notes.slice(0, 2048);
  if (typeof raw.signature === 'string') data.signature = raw.signature;
  const out: ConferenceState = { conferenceData: data };
  const video = data.entryPoints?.find((ep) => ep.entryPointType === 'video');
  if (data.conferenceSolution?.key.type === 'hangoutsMeet' && typeof video?.uri === 'string') {
    out.hangoutLink = video.uri;
  }
  return out;
}
