// @ts-check
/**
 * The editor's reminder rows: how (pop-up or email) and how many minutes before, each control
 * labelled with its reminder's number, at most 5 (Google's limit).
 */

/** @import { ReminderOverride } from './api-types.js' */

const MAX_REMINDERS = 5;

/**
 * Wires the list `<prefix>-reminder-list`, its "none" hint and its add button inside `root`.
 * Answers `set(overrides)` and `read()`: the overrides, or an error in words with the input to focus.
 * @param {ParentNode} root
 * @param {string} prefix
 * @returns {{
 *   set: (overrides: ReminderOverride[]) => void,
 *   read: () => { reminders: ReminderOverride[], error?: undefined }
 *     | { reminders?: undefined, error: string, focus: HTMLInputElement },
 * }}
 */
export function setUpReminderRows(root, prefix) {
  const list = /** @type {HTMLElement} */ (root.querySelector(`#${prefix}-reminder-list`));
  const none = /** @type {HTMLElement} */ (root.querySelector(`#${prefix}-reminders-none`));
  const add = /** @type {HTMLButtonElement} */ (root.querySelector(`#${prefix}-add-reminder`));

  function renumber() {
    [...list.children].forEach((row, index) => {
      const n = index + 1;
      row.querySelector('select')?.setAttribute('aria-label', `Reminder ${n}: how`);
      row.querySelector('input')?.setAttribute('aria-label', `Reminder ${n}: minutes before`);
      row.querySelector('button')?.setAttribute('aria-label', `Remove reminder ${n}`);
    });
    none.hidden = list.childElementCount > 0;
    add.hidden = list.childElementCount >= MAX_REMINDERS;
  }

  /** @param {ReminderOverride} reminder */
  function row({ method, minutes }) {
    const item = document.createElement('li');
    item.className = 'reminder-row';
    const how = document.createElement('select');
    how.append(new Option('Pop-up', 'popup'), new Option('Email', 'email'));
    how.value = method;
    const before = document.createElement('input');
    before.type = 'number';
    before.min = '0';
    before.max = '40320';
    before.step = '1';
    before.required = true;
    before.value = String(minutes);
    const unit = document.createElement('span');
    unit.textContent = 'minutes before';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = 'Remove';
    remove.addEventListener('click', () => {
      item.remove();
      renumber();
      add.focus();
    });
    item.append(how, before, unit, remove);
    return item;
  }

  add.addEventListener('click', () => {
    list.append(row({ method: 'popup', minutes: 10 }));
    renumber();
    /** @type {HTMLInputElement | null | undefined} */ (
      list.lastElementChild?.querySelector('input')
    )?.focus();
  });

  return {
    set(overrides) {
      list.replaceChildren(...overrides.slice(0, MAX_REMINDERS).map(row));
      renumber();
    },
    read() {
      /** @type {ReminderOverride[]} */
      const reminders = [];
      for (const item of list.children) {
        const input = /** @type {HTMLInputElement} */ (item.querySelector('input'));
        const minutes = Number(input.value);
        if (input.value === '' || !Number.isInteger(minutes) || minutes < 0) {
          return { error: 'Each reminder needs a whole number of minutes (0 or more).', focus: input };
        }
        const method = /** @type {HTMLSelectElement} */ (item.querySelector('select')).value;
        reminders.push({ method: method === 'email' ? 'email' : 'popup', minutes });
      }
      return { reminders };
    },
  };
}
