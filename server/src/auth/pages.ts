/** The HTML of the browser flow: login, patient picker, consent, and errors. Every value is escaped. */

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · iop-fhir</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1c2733;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:3rem 1rem;padding:2rem;border-radius:8px;max-width:32rem;width:100%;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0} label{display:block;margin:.6rem 0} input[type=text],input[type=password],input[type=search]{width:100%;padding:.5rem;box-sizing:border-box}
button{padding:.5rem 1.2rem;margin:.8rem .5rem 0 0;border:0;border-radius:4px;background:#2a6ebb;color:#fff;cursor:pointer}
button.secondary{background:#667} .error{color:#b00020} .scope{font-family:monospace} ul{padding-left:0;list-style:none}
</style></head><body><main>${body}</main></body></html>`;
}

export function loginPage(requestId: string, clientName: string, message?: string): string {
  return page('Sign in', `<h1>Sign in to continue to ${escapeHtml(clientName)}</h1>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="login">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label>Username <input type="text" name="username" autocomplete="username" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`);
}

export interface PatientChoice {
  id: string;
  label: string;
}

export function patientPickerPage(requestId: string, clientName: string, patients: PatientChoice[], search: string): string {
  const items = patients.map((p, i) => `<li><label><input type="radio" name="patient" value="${escapeHtml(p.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(p.label)}</label></li>`).join('\n');
  return page('Choose a patient', `<h1>Choose the patient for ${escapeHtml(clientName)}</h1>
<form method="get" action="pick-patient">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label>Find by name <input type="search" name="name" value="${escapeHtml(search)}"></label><button type="submit" class="secondary">Search</button>
</form>
<form method="post" action="pick-patient">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
${patients.length ? `<ul>${items}</ul><button type="submit">Continue</button>` : '<p>No patient you may access matches.</p>'}
</form>`);
}

export interface ScopeChoice {
  scope: string;
  description: string;
}

export function consentPage(requestId: string, clientName: string, patientLabel: string | undefined, scopes: ScopeChoice[]): string {
  const items = scopes.map((s) => `<li><label><input type="checkbox" name="scope" value="${escapeHtml(s.scope)}" checked> ${escapeHtml(s.description)} <span class="scope">(${escapeHtml(s.scope)})</span></label></li>`).join('\n');
  return page('Allow access', `<h1>${escapeHtml(clientName)} asks for access</h1>
${patientLabel ? `<p>Patient: <strong>${escapeHtml(patientLabel)}</strong></p>` : ''}
<p>Untick anything you do not want to share.</p>
<form method="post" action="consent">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<ul>${items}</ul>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`);
}

export function errorPage(message: string): string {
  return page('Authorization error', `<h1>This request cannot be authorized</h1><p class="error">${escapeHtml(message)}</p>`);
}
