import { CRM_USERS, liveEvents, type CrmUserName, type Model } from './model.js';
import { checkActivities } from './checks/activities.js';
import { checkListing, checkRows } from './checks/crm-vs-google.js';
import { checkGoogleMembership, checkLinks, checkModelEvent } from './checks/model-checks.js';
import { Report, snapshot } from './checks/shared.js';
import type { World } from './world.js';
/**
 * The checks after a run went quiet. Each divergence names the check, the event (by its model
 * key, title and Google id), the field, and what each side has:
 *
 * - crm-vs-google: every live Google event of each CRM user's calendar has exactly one CRM row
 *   and vice versa, field by field (times, all-day dates, zone, title, description, location,
 *   attendees and their answers, reminders, recurrence, occurrences), and the CRM's expanded
 *   listing shows what Google's shows; nothing is left pending, failed or half-deleted.
 * - model: what the run did is what both sides show (no edit lost, nothing duplicated, nothing
 *   that was deleted still there), including the CRM links.
 * - activity: every meeting activity's status and times agree with its event; a linked event has
 *   its scheduled activity; no activity is scheduled for an event that no longer exists.
 * - stability: a sync after convergence changes nothing.
 */

export interface Divergence {
  check: 'crm-vs-google' | 'model' | 'activity' | 'stability';
  subject: string;
  field: string;
  detail: string;
}

export function formatDivergence(d: Divergence): string {
  return `[${d.check}] ${d.subject}: ${d.field}: ${d.detail}`;
}

/** Runs every check on the quiet system; returns what diverged (empty when everything agrees). */
export async function checkInvariants(
  model: Model,
  world: World,
  stability: { user: CrmUserName; created: number; updated: number; deleted: number }[],
): Promise<Divergence[]> {
  const report = new Report();
  const snap = await snapshot(world);
  for (const user of CRM_USERS) {
    checkRows(report, model, world, snap, user);
    await checkListing(report, model, world, user);
  }
  checkGoogleMembership(report, model, world, snap);
  for (const e of liveEvents(model)) {
    await checkModelEvent(report, model, world, snap, e);
    checkLinks(report, model, world, snap, e);
  }
  await checkActivities(report, model, world, snap);
  for (const s of stability) {
    if (s.created + s.updated + s.deleted > 0) {
      report.add(
        'stability',
        `${s.user}'s calendar`,
        'sync',
        `a sync after convergence still created ${s.created}, updated ${s.updated}, deleted ${s.deleted}`,
      );
    }
  }
  return report.list;
}
