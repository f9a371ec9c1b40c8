/**
 * FHIR REST calls of our apps over the fhirclient session: JSON in and out with the session's bearer token, and
 * every failure turned into a RequestError that carries the server's OperationOutcome messages for display.
 */

/** An HTTP failure; `messages` are the OperationOutcome diagnostics (or the OAuth error) the server sent. */
export class RequestError extends Error {
  /** @param {number} status @param {string[]} messages */
  constructor(status, messages) {
    super(messages.join('\n') || `The server answered ${status}`);
    this.name = 'RequestError';
    this.status = status;
    this.messages = messages;
  }
}

/** @param {any} body @returns {string[]} */
export function outcomeMessages(body) {
  if (body?.resourceType === 'OperationOutcome') {
    return (body.issue ?? []).map((i) => i.diagnostics ?? i.details?.text ?? i.code).filter(Boolean);
  }
  if (body?.error) return [`${body.error}${body.error_description ? `: ${body.error_description}` : ''}`];
  return [];
}

/**
 * @param {any} client fhirclient Client
 * @param {string} path relative to the FHIR base (e.g. "Patient/1") or absolute
 * @param {{ method?: string, body?: any, headers?: Record<string, string> }} [options] headers: e.g. If-Match
 */
export async function fhirRequest(client, path, options = {}) {
  await client.refreshIfNeeded(); // an expired access token is renewed with the refresh token, when there is one
  const base = client.state.serverUrl.replace(/\/$/, '');
  const url = /^https?:/.test(path) ? path : `${base}/${path}`;
  const headers = { Accept: 'application/fhir+json', Authorization: client.getAuthorizationHeader() };
  if (options.body !== undefined) headers['Content-Type'] = 'application/fhir+json';
  Object.assign(headers, options.headers);
  let response;
  try {
    response = await fetch(url, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch {
    throw new RequestError(0, ['The FHIR server could not be reached. Check your connection and try again.']);
  }
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new RequestError(response.status, outcomeMessages(body));
  return body;
}

/** Every resource a search matches (follows `next` links), without included resources unless asked. */
export async function searchAll(client, query, { includeIncluded = false, maxPages = 20 } = {}) {
  const resources = [];
  let next = query;
  for (let page = 0; next && page < maxPages; page++) {
    const bundle = await fhirRequest(client, next);
    for (const entry of bundle.entry ?? []) {
      if (includeIncluded || entry.search?.mode !== 'include') resources.push(entry.resource);
    }
    next = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  return resources;
}

/** POST an operation with a Parameters body. */
export function invokeOperation(client, path, parameter) {
  return fhirRequest(client, path, { method: 'POST', body: { resourceType: 'Parameters', parameter } });
}

/** The named output parameters of an operation's Parameters answer. */
export function outputsOf(parameters, name) {
  return (parameters?.parameter ?? []).filter((p) => p.name === name);
}

/** A part of a parameter (nested parts, e.g. note.patient). */
export function partOf(parameter, name) {
  return (parameter?.part ?? []).find((p) => p.name === name);
}

/** Warnings and information the operation returned in its `outcome` output. */
export function operationWarnings(parameters) {
  return outcomeMessages(outputsOf(parameters, 'outcome')[0]?.resource);
}
