import { CRM_USERS, type CrmUserName, type Model } from './model.js';
import type { World } from './world.js';

export interface SyncCounts {
  user: CrmUserName;
  created: number;
  updated: number;
  deleted: number;
}

/**
 * Brings a run to rest, with conditions and no sleeps: the faults still armed are cleared, users
 * whose access is revoked or who disconnected connect again (their waiting changes are pushed
 * then), the job queue drains, every user syncs once (the safety net that catches dropped
 * notifications), the queue drains again, and a second sync is made whose counts say whether
 * anything was still moving.
 */
export async function quiesce(m: Model, world: World): Promise<SyncCounts[]> {
  await world.admin('DELETE', '/faults');
  for (const user of CRM_USERS) {
    if (m.connection[user] !== 'active') {
      world.note(`quiesce: ${user} connects again`);
      await world.connect(user);
      m.connection[user] = 'active';
    }
  }
  await world.idle(CRM_USERS);
  for (const user of CRM_USERS) {
    await world.crmOk(user, 'POST', '/calendar/sync', {}, 200);
  }
  await world.idle(CRM_USERS);
  const counts: SyncCounts[] = [];
  for (const user of CRM_USERS) {
    const res = await world.crmOk<{ created: number; updated: number; deleted: number }>(
      user,
      'POST',
      '/calendar/sync',
      {},
      200,
    );
    counts.push({ user, created: res.created, updated: res.updated, deleted: res.deleted });
  }
  await world.idle(CRM_USERS);
  return counts;
}
