/**
 * The HTML of the browser flow: login, patient picker, consent, and errors, each under our product name and logo and
 * the name of the organisation running the server. Every value is escaped; the pages need no script.
 */
import { explainScope, type ScopeGroup } from './scope-descriptions';
import type { ServerIdentity } from './server-identity';

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** smart-apps/shared/icon.svg, inline so the page needs no second request (and no img-src). */
export const LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="6" fill="#2a6ebb"/><path d="M9 22V10h3v12zm6 0V10h4a4 4 0 010 8h-1v4zm3-7h1a1 1 0 000-2h-1z" fill="#fff"/></svg>';

function brand(identity?: ServerIdentity): string {
  if (!identity) return '';
  return `<header class="brand">${LOGO_SVG}<span><strong>${escapeHtml(identity.productName)}</strong>${identity.organizationName ? `<span class="org">${escapeHtml(identity.organizationName)}</span>` : ''}</span></header>`;
}

function page(title: string, body: string, identity?: ServerIdentity): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(identity?.organizationName ?? 'iop-fhir')}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1c2733;margin:0;display:flex;justify-content:center;line-height:1.45}
main{background:#fff;margin:2rem 1rem;padding:1.5rem 2rem 2rem;border-radius:8px;max-width:34rem;width:100%;box-shadow:0 1px 4px #0002}
.brand{display:flex;gap:.7rem;align-items:center;margin-bottom:1.2rem;padding-bottom:.8rem;border-bottom:1px solid #c9d1da}
.brand .org{display:block;color:#48515c;font-size:.95rem}
h1{font-size:1.3rem;margin-top:0} label{display:block;margin:.6rem 0} input[type=text],input[type=password],input[type=search]{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}
button{font:inherit;padding:.6rem 1.2rem;margin:.8rem .5rem 0 0;border:0;border-radius:4px;background:#2a6ebb;color:#fff;cursor:pointer;min-height:2.75rem}
button.secondary{background:#5d6875} .error{color:#b00020} ul{padding-left:0;list-style:none}
:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.choice{display:flex;gap:.6rem;align-items:flex-start;padding:.5rem 0;border-top:1px solid #e3e7ec}
.choice input{width:1.3rem;height:1.3rem;margin-top:.15rem;flex:none}
.choice .hint,.hint{display:block;color:#48515c;font-size:.9rem}
details{margin-top:1rem;color:#48515c} details code{font-size:.85rem;color:#1c2733}
</style></head><body><main>${brand(identity)}${body}</main></body></html>`;
}

export function loginPage(requestId: string, clientName: string, identity: ServerIdentity, message?: string): string {
  const where = identity.organizationName ? ` with your ${escapeHtml(identity.organizationName)} account` : '';
  return page('Sign in', `<h1>Sign in to continue to ${escapeHtml(clientName)}</h1>
<p class="hint">Sign in${where}.</p>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="login">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label>Username <input type="text" name="username" autocomplete="username" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`, identity);
}

export interface PatientChoice {
  id: string;
  label: string;
}

export function patientPickerPage(requestId: string, clientName: string, patients: PatientChoice[], search: string, identity?: ServerIdentity): string {
  const items = patients.map((p, i) => `<li><label><input type="radio" name="patient" value="${escapeHtml(p.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(p.label)}</label></li>`).join('\n');
  return page('Choose a patient', `<h1>Choose the patient for ${escapeHtml(clientName)}</h1>
<form method="get" action="pick-patient">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label>Find by name <input type="search" name="name" value="${escapeHtml(search)}"></label><button type="submit" class="secondary">Search</button>
</form>
<form method="post" action="pick-patient">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
${patients.length ? `<ul>${items}</ul><button type="submit">Continue</button>` : '<p>No patient you may access matches.</p>'}
</form>`, identity);
}

export interface ConsentPageInput {
  requestId: string;
  clientName: string;
  identity: ServerIdentity;
  /** The patient in context, by name (never a reference). */
  patientName?: string;
  /** The signed-in person is that patient. */
  isOwnRecord: boolean;
  groups: ScopeGroup[];
}

export function consentPage(input: ConsentPageInput): string {
  const items = input.groups.map((g) => `<li><label class="choice"><input type="checkbox" name="scope" value="${escapeHtml(g.scopes.join(' '))}" checked><span>${escapeHtml(g.label)}${g.hint ? `<span class="hint">${escapeHtml(g.hint)}</span>` : ''}</span></label></li>`).join('\n');
  const details = input.groups.flatMap((g) => g.scopes).map((scope) => `<li><code>${escapeHtml(explainScope(scope))}</code></li>`).join('');
  const who = input.identity.organizationName ? ` from ${escapeHtml(input.identity.organizationName)}` : '';
  return page('Allow access', `<h1>${escapeHtml(input.clientName)} would like to use your account</h1>
${input.patientName && !input.isOwnRecord ? `<p>Patient: <strong>${escapeHtml(input.patientName)}</strong></p>` : ''}
<p>It asks to do the following with your records${who}. Untick anything you do not want to allow; you can sign out at any time.</p>
<form method="post" action="consent">
<input type="hidden" name="request" value="${escapeHtml(input.requestId)}">
<ul>${items}</ul>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>
<details><summary>Technical details</summary><p>The app asked for these SMART on FHIR scopes:</p><ul>${details}</ul></details>`, input.identity);
}

export function errorPage(message: string, identity?: ServerIdentity): string {
  return page('Authorization error', `<h1>This request cannot be authorized</h1><p class="error">${escapeHtml(message)}</p>`, identity);
}
