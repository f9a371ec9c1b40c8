/** Display helpers for FHIR data: names, dates and times in the browser's locale, codings. */

/** @param {any[] | undefined} names HumanName[] */
export function formatName(names) {
  const name = (names ?? []).find((n) => n.use === 'official') ?? names?.[0];
  if (!name) return '';
  if (name.text) return name.text;
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

export function describePatient(patient) {
  const parts = [];
  if (patient.birthDate) parts.push(`born ${formatDate(patient.birthDate)}`);
  if (patient.gender) parts.push(patient.gender);
  const mrn = patient.identifier?.[0]?.value;
  if (mrn) parts.push(`ID ${mrn}`);
  return parts.join(' · ');
}

/** A date-only value (YYYY-MM-DD) is shown as that calendar date, never shifted by the time zone. */
export function formatDate(value) {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number);
    return new Date(y, m - 1, d).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  }
  return new Date(value).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatTime(value) {
  return value ? new Date(value).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';
}

export function formatDateTime(value) {
  return value ? `${formatDate(value)} ${formatTime(value)}` : '';
}

/** Today (or a Date) as YYYY-MM-DD in the browser's time zone. */
export function localDateString(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The next calendar day of a YYYY-MM-DD date. */
export function nextDay(date) {
  const [y, m, d] = date.split('-').map(Number);
  return localDateString(new Date(y, m - 1, d + 1));
}

/** Text, display, or else the code made readable ("group-psychotherapy" → "Group psychotherapy"). */
export function codingLabel(concept) {
  const coding = concept?.coding?.[0];
  if (concept?.text || coding?.display) return concept.text ?? coding.display;
  const code = (coding?.code ?? '').replaceAll('-', ' ');
  return code.charAt(0).toUpperCase() + code.slice(1);
}

export function referenceId(reference) {
  return reference?.reference?.split('/').pop();
}

export function findExtension(resource, url) {
  return resource?.extension?.find((e) => e.url === url);
}
