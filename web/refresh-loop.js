// @ts-check
/**
 * @template {object} R
 * @typedef {object} RefreshLoop A card's refresh loop (see createRefreshLoop).
 * @property {(request?: Partial<R>) => Promise<void>} refresh Reloads now.
 * @property {(active: boolean) => void} setActive Shows the card and starts the loop, or hides it and stops.
 */

/**
 * The refresh loop of a card: `setActive(true)` shows the card and loads it, then reloads it every
 * `intervalMs` (every `busyIntervalMs` while `load` answers true, e.g. while something is still
 * syncing); `setActive(false)` hides it and stops. `refresh(request)` reloads now. One load runs at
 * a time: requests made meanwhile are combined with `merge` and run right after it.
 * `load(request)` shows its own errors and answers whether to reload soon. A request's fields are
 * all optional: `{}` asks for a plain reload.
 * @template {object} R
 * @param {{
 *   section: HTMLElement,
 *   load: (request: Partial<R>) => Promise<boolean>,
 *   intervalMs: number,
 *   busyIntervalMs: number,
 *   merge?: (a: Partial<R>, b: Partial<R>) => Partial<R>,
 * }} options
 * @returns {RefreshLoop<R>}
 */
export function createRefreshLoop({ section, load, intervalMs, busyIntervalMs, merge = () => ({}) }) {
  let active = false;
  /** @type {number | undefined} */
  let timer;
  let running = false;
  /**
   * A request made while a load runs, or null.
   * @type {Partial<R> | null}
   */
  let queued = null;

  /** @param {Partial<R>} [request] */
  async function refresh(request = {}) {
    if (!active) return;
    if (running) {
      queued = queued === null ? request : merge(queued, request);
      return;
    }
    running = true;
    window.clearTimeout(timer);
    let busy = false;
    try {
      busy = await load(request);
    } finally {
      running = false;
    }
    if (!active) return;
    if (queued !== null) {
      const next = queued;
      queued = null;
      await refresh(next);
      return;
    }
    timer = window.setTimeout(() => void refresh(), busy ? busyIntervalMs : intervalMs);
  }

  /** @param {boolean} value */
  function setActive(value) {
    section.hidden = !value;
    if (value === active) return;
    active = value;
    window.clearTimeout(timer);
    if (active) void refresh();
  }

  return { refresh, setActive };
}
