/**
 * Where each session of a day stands in its documentation — upcoming, attendance to record, notes to write, drafts
 * to sign, signed, billed — read in a few searches for the whole day (bookings, session Encounters, their attendance
 * Encounters, the notes on both, the claims that bill them), so the day list can say what still needs work.
 */
import { searchAll } from '../shared/fhir-requests.js';
import { h } from '../shared/elements.js';

/** The states in the order the work happens; `label` is what the badge says, `todo` whether it needs the clinician. */
export const DOCUMENTATION_STATES = {
  upcoming: { label: 'Upcoming', todo: false },
  'no-roster': { label: 'Nobody booked', todo: false },
  'attendance-due': { label: 'To document: attendance', todo: true },
  'notes-due': { label: 'To document: notes', todo: true },
  'drafts-to-sign': { label: 'Drafts to sign', todo: true },
  signed: { label: 'Signed', todo: false },
  billed: { label: 'Signed · billed', todo: false },
};

/** Searches with many ids in pieces, so no URL grows past what servers accept. */
async function searchByIds(client, query, parameter, references, size = 60) {
  const results = [];
  for (let i = 0; i < references.length; i += size) {
    results.push(...await searchAll(client, `${query}&${parameter}=${references.slice(i, i + size).join(',')}`));
  }
  return results;
}

/**
 * @param {any} client
 * @param {any[]} sessions session Appointments
 * @param {Date} now
 * @returns {Promise<Map<string, { state: string, drafts: number, signed: number }>>} by session id
 */
export async function loadDocumentationStatus(client, sessions, now) {
  const status = new Map();
  if (sessions.length === 0) return status;
  const sessionRefs = sessions.map((s) => `Appointment/${s.id}`);
  const [sessionEncounters, bookings] = await Promise.all([
    searchByIds(client, 'Encounter?_count=200', 'appointment', sessionRefs),
    searchByIds(client, 'Appointment?_count=500&_elements=status,extension', 'session-appointment', sessionRefs),
  ]);
  const booked = new Set(bookings.filter((b) => b.status !== 'cancelled' && b.status !== 'entered-in-error')
    .map((b) => b.extension?.find((e) => e.url.endsWith('/session-appointment'))?.valueReference?.reference?.slice(12)));
  const encounterOfSession = new Map(sessionEncounters.map((e) => [e.appointment?.[0]?.reference?.slice(12), e]));
  const attendance = sessionEncounters.length ? await searchByIds(client, 'Encounter?_count=500', 'part-of', sessionEncounters.map((e) => `Encounter/${e.id}`)) : [];
  const everyEncounter = [...sessionEncounters, ...attendance].map((e) => `Encounter/${e.id}`);
  const [notes, claims] = everyEncounter.length ? await Promise.all([
    searchByIds(client, 'Composition?_count=500&_elements=status,encounter', 'encounter', everyEncounter),
    searchByIds(client, 'Claim?_count=500&_elements=status,item', 'encounter', attendance.map((e) => `Encounter/${e.id}`)).catch(() => []),
  ]) : [[], []];
  const sessionOfEncounter = new Map(sessionEncounters.map((e) => [`Encounter/${e.id}`, e]));
  for (const a of attendance) sessionOfEncounter.set(`Encounter/${a.id}`, sessionOfEncounter.get(a.partOf?.reference));
  const billed = new Set(claims.filter((c) => c.status !== 'entered-in-error' && c.status !== 'cancelled')
    .flatMap((c) => (c.item ?? []).flatMap((i) => i.encounter ?? []).map((r) => sessionOfEncounter.get(r.reference)?.id)));

  for (const session of sessions) {
    const encounter = encounterOfSession.get(session.id);
    const own = notes.filter((n) => n.status !== 'entered-in-error' && sessionOfEncounter.get(n.encounter?.reference)?.id === encounter?.id);
    const drafts = own.filter((n) => n.status === 'preliminary').length;
    const signed = own.length - drafts;
    let state;
    if (!encounter && new Date(session.start) > now) state = 'upcoming';
    else if (!encounter) state = booked.has(session.id) ? 'attendance-due' : 'no-roster';
    else if (own.length === 0) state = 'notes-due';
    else if (drafts > 0) state = 'drafts-to-sign';
    else state = billed.has(encounter.id) ? 'billed' : 'signed';
    status.set(session.id, { state, drafts, signed });
  }
  return status;
}

/** The badge of a state, e.g. "Drafts to sign (3)". */
export function documentationBadge(entry) {
  const state = DOCUMENTATION_STATES[entry?.state] ?? { label: 'Unknown', todo: false };
  const count = entry?.state === 'drafts-to-sign' ? ` (${entry.drafts})` : '';
  return h('span', { class: `badge status-${entry?.state ?? 'unknown'}`, 'data-state': entry?.state ?? 'unknown' }, `${state.label}${count}`);
}
