/**
 * What $sign reports about billing, in the words of the people on the roster: the server names patients and
 * encounters by reference and reasons by code ("Encounter/5006…: no claim (below-minimum-time), No minutes
 * attended"); the clinician should read "Ben Okafor: no claim — no minutes attended".
 */

const ABSENCE_WORDS = { 'absent-excused': 'excused absence', 'absent-unexcused': 'unexcused absence', 'cancelled-by-program': 'session cancelled by the program', absent: 'absent' };

const REFERENCE = /\b(Patient|Encounter)\/([A-Za-z0-9.-]{1,64})\b/g;

/**
 * @param {{ patientId: string, name: string }[]} members
 * @param {any[]} attendance the session's attendance Encounters (subject → the member)
 * @returns {(reference: string) => string | undefined} a member's name for `Patient/x` or their attendance `Encounter/y`
 */
export function nameResolver(members, attendance) {
  const names = new Map(members.map((m) => [`Patient/${m.patientId}`, m.name]));
  for (const encounter of attendance) {
    const name = names.get(encounter.subject?.reference);
    if (name) names.set(`Encounter/${encounter.id}`, name);
  }
  return (reference) => names.get(reference);
}

/** One server message made readable: references → names, reason codes and attendance codes → words. */
export function describeSignMessage(message, nameOf) {
  let text = message.replace(REFERENCE, (reference) => nameOf(reference) ?? (reference.startsWith('Patient/') ? 'a patient' : 'the session'));
  text = text.replace(/no claim \(([a-z-]+)\),\s*/i, 'no claim — ');
  text = text.replace(/\((absent-excused|absent-unexcused|cancelled-by-program|absent)\)/g, (_m, code) => `(${ABSENCE_WORDS[code]})`);
  return text.replace(/ — ([A-Z])/, (_m, first) => ` — ${first.toLowerCase()}`);
}

/** Every message of a $sign outcome, readable; repeated lines (one per note of the same patient) once. */
export function describeSignMessages(messages, nameOf) {
  return [...new Set(messages.map((m) => describeSignMessage(m, nameOf)))];
}
