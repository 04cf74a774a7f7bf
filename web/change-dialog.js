// @ts-check
/**
 * The question asked before a change made on the grid or a cancellation: for a meeting of a
 * recurring series, which meetings it applies to (this one, this and the following ones, or the
 * whole series); for a meeting with guests, whether Google emails them (`send_updates`). The
 * dialog's content is built when it opens and removed when it closes.
 */

/**
 * @typedef {'this' | 'following' | 'all'} Scope
 * @typedef {'all' | 'externalOnly' | 'none'} SendUpdates
 * @typedef {{ scope: Scope | undefined, sendUpdates: SendUpdates }} ChangeChoice
 */

/** @type {[Scope, string][]} */
const SCOPES = [
  ['this', 'only this meeting'],
  ['following', 'this and the following meetings'],
  ['all', 'all meetings of the series'],
];

/** @type {[SendUpdates, string][]} */
const NOTIFY = [
  ['all', 'email all guests'],
  ['externalOnly', 'email only guests outside my organization'],
  ['none', 'send no email'],
];

/**
 * A new element with its text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function element(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A group of radio buttons with a legend; the first (or `checked`) one is chosen.
 * @param {string} legend
 * @param {string} name
 * @param {[string, string][]} choices
 * @param {string} [checked]
 */
export function radioGroup(legend, name, choices, checked) {
  const group = element('fieldset');
  group.className = 'field-group';
  group.append(element('legend', legend));
  choices.forEach(([value, words], index) => {
    const label = element('label');
    label.className = 'inline-option';
    const input = element('input');
    input.type = 'radio';
    input.name = name;
    input.value = value;
    input.checked = checked === undefined ? index === 0 : value === checked;
    label.append(input, ` ${words}`);
    group.append(label);
  });
  return group;
}

/**
 * The "notify guests" choice as a radio group named `send_updates`.
 * @param {SendUpdates} [checked]
 */
export function notifyGroup(checked = 'all') {
  return radioGroup('Notify guests', 'send_updates', NOTIFY, checked);
}

/**
 * The "apply to" choice as a radio group named `scope`.
 * @param {Scope} [checked]
 */
export function scopeGroup(checked = 'this') {
  return radioGroup('Apply to', 'scope', SCOPES, checked);
}

/**
 * The value of the checked radio button named `name` inside `root`, if any.
 * @param {ParentNode} root
 * @param {string} name
 * @returns {string | undefined}
 */
export function checkedValue(root, name) {
  const input = /** @type {HTMLInputElement | null} */ (root.querySelector(`input[name="${name}"]:checked`));
  return input?.value;
}

/**
 * Asks before a change. Answers the choice, or null when the user backs out (Escape included).
 * @param {{
 *   heading: string,
 *   message: string,
 *   confirm: string,
 *   back?: string,
 *   recurring: boolean,
 *   guests: boolean,
 *   danger?: boolean,
 * }} question
 * @returns {Promise<ChangeChoice | null>}
 */
export function askChange({ heading, message, confirm, back = 'Back', recurring, guests, danger = false }) {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('confirm-dialog'));
  const form = element('form');
  form.method = 'dialog';
  const title = element('h2', heading);
  title.id = 'confirm-heading';
  form.append(title, element('p', message));
  if (recurring) form.append(scopeGroup());
  if (guests) form.append(notifyGroup());
  const actions = element('div');
  actions.className = 'actions';
  const yes = element('button', confirm);
  yes.type = 'submit';
  yes.value = 'confirm';
  if (danger) yes.className = 'danger';
  const no = element('button', back);
  no.type = 'submit';
  no.value = 'back';
  no.className = 'secondary';
  actions.append(yes, no);
  form.append(actions);
  dialog.replaceChildren(form);
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const confirmed = dialog.returnValue === 'confirm';
        const scope = /** @type {Scope | undefined} */ (recurring ? checkedValue(form, 'scope') : undefined);
        const sendUpdates = /** @type {SendUpdates} */ (
          guests ? (checkedValue(form, 'send_updates') ?? 'all') : 'none'
        );
        dialog.replaceChildren();
        resolve(confirmed ? { scope, sendUpdates } : null);
      },
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    (recurring || guests ? /** @type {HTMLElement} */ (form.querySelector('input')) : yes).focus();
  });
}
