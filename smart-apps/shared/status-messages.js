/**
 * The one place an app shows what happened: errors (the server's OperationOutcome messages, announced to screen
 * readers) and confirmations, in the page's status region (#status).
 */
import { h, replaceContent } from './elements.js';

function region() {
  return document.getElementById('status');
}

/** @param {unknown} error */
export function showError(error, context) {
  const messages = error?.messages?.length ? error.messages : [error?.message ?? String(error)];
  replaceContent(region(), h('div', { class: 'alert error', role: 'alert' },
    h('strong', null, context ?? 'Something went wrong'),
    messages.length === 1 ? h('p', null, messages[0]) : h('ul', null, messages.map((m) => h('li', null, m)))));
  region().scrollIntoView?.({ block: 'nearest' });
}

/** @param {{ keep?: boolean }} [options] keep: add below what is shown (e.g. an error of the step after) */
export function showSuccess(message, details = [], { keep = false } = {}) {
  const alert = h('div', { class: 'alert success', role: 'status' }, h('strong', null, message),
    details.length ? h('ul', null, details.map((d) => h('li', null, d))) : null);
  if (keep) region().append(alert);
  else replaceContent(region(), alert);
}

export function showWarnings(title, warnings) {
  if (!warnings.length) return;
  region().append(h('div', { class: 'alert warning', role: 'status' }, h('strong', null, title), h('ul', null, warnings.map((w) => h('li', null, w)))));
}

export function clearStatus() {
  replaceContent(region());
}

/** Runs an action with the button disabled and busy, showing any failure. */
export async function withBusy(button, action, errorContext) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } catch (error) {
    showError(error, errorContext);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
