/**
 * Catching other members' names in what a clinician writes for one member, before it is sent: the server
 * redacts them anyway ($document-group-session), but the author should see it and can rephrase.
 */

/** Name parts (given and family, 2+ letters) of every member but `patientId`. */
export function otherMemberNames(members, patientId) {
  const names = new Set();
  for (const member of members) {
    if (member.patientId === patientId) continue;
    for (const name of member.patient?.name ?? []) {
      for (const part of [...(name.given ?? []), name.family]) if (part && part.length >= 2) names.add(part);
    }
  }
  return [...names];
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The other members' names that appear as whole words in the text. */
export function namesMentioned(text, names) {
  return names.filter((name) => new RegExp(`(^|[^\\p{L}])${escapeRegExp(name)}($|[^\\p{L}])`, 'iu').test(text));
}
