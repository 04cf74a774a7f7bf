import { describe, expect, it } from 'vitest';
import { cronEvery } from './calendar-scheduled-pulls.job.js';

describe('cronEvery', () => {
  it('turns SYNC_INTERVAL_MINUTES into a cron expression that never fires late', () => {
    expect(cronEvery(1)).toBe('* * * * *');
    expect(cronEvery(15)).toBe('*/15 * * * *');
    expect(cronEvery(60)).toBe('0 */1 * * *');
    expect(cronEvery(90)).toBe('0 */1 * * *');
    expect(cronEvery(360)).toBe('0 */6 * * *');
    expect(cronEvery(1440)).toBe('0 0 * * *');
  });
});
