/**
 * The patient's upcoming sessions: when (on the program's clock, with its zone), what, and where — the program's
 * site with its address, and a "Join online" link where the program meets by video (a virtual Location whose
 * telecom is a URL). A session that is itself virtual (the `virtual-service` extension on its Appointment: join
 * address, channel, platform; docs/engagement.md "Telehealth") shows "Join" with that address instead.
 * Only what a patient's token may read: their own Appointments, the programs and their Locations.
 */
import { h, replaceContent } from '../shared/elements.js';
import { searchAll } from '../shared/fhir-requests.js';
import { codingLabel, findExtension } from '../shared/fhir-format.js';
import { showError } from '../shared/status-messages.js';
import { browserTimeZone, declaredTimeZone, formatDateInZone, formatTimeRangeInZone } from '../shared/time-zones.js';

const PROGRAM_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/program';
const VIRTUAL_SERVICE_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/virtual-service';

const programOf = (appointment) => findExtension(appointment, PROGRAM_EXTENSION)?.valueReference?.reference;

/** A Location's join link: its telecom URL (a virtual location, e.g. the program's video room). */
function joinUrl(location) {
  const url = location.telecom?.find((t) => t.system === 'url' && /^https:\/\//.test(t.value ?? ''))?.value;
  return url;
}

/** The session's own virtual service: how to join (an https link, or a dial-in for a telephone session). */
function virtualServiceOf(appointment) {
  const service = findExtension(appointment, VIRTUAL_SERVICE_EXTENSION);
  if (!service) return undefined;
  const part = (url) => findExtension(service, url);
  const address = part('address')?.valueUrl ?? part('address')?.valueString;
  return {
    phone: part('channel')?.valueCoding?.code === 'PHONE',
    url: /^https:\/\//.test(address ?? '') ? address : undefined,
    dialIn: /^https:\/\//.test(address ?? '') ? undefined : address,
    platform: part('platform')?.valueString,
    info: part('additionalInfo')?.valueString,
  };
}

function renderVirtualSession(service) {
  const hint = [service.platform, service.info].filter(Boolean).join(' · ');
  if (service.url) {
    return h('ul', { class: 'list-plain where' }, h('li', null,
      h('a', { class: 'button join', href: service.url, target: '_blank', rel: 'noopener' }, service.phone ? 'Join by phone' : 'Join video session'),
      hint ? h('span', { class: 'hint' }, ` · ${hint}`) : null));
  }
  return h('ul', { class: 'list-plain where' }, h('li', null, h('span', { class: 'place-name' }, service.phone ? 'By phone' : 'Online'),
    service.dialIn ? h('span', { class: 'hint' }, ` · ${service.dialIn}`) : null, hint ? h('span', { class: 'hint' }, ` · ${hint}`) : null));
}

function addressText(location) {
  const address = location.address;
  if (!address) return '';
  return address.text ?? [...(address.line ?? []), [address.city, address.state].filter(Boolean).join(', '), address.postalCode].filter(Boolean).join(', ');
}

/** Programs and their Locations of these appointments, in two searches. */
async function loadPlaces(client, appointments) {
  const programIds = [...new Set(appointments.map(programOf).filter((r) => r?.startsWith('HealthcareService/')).map((r) => r.slice(18)))];
  if (programIds.length === 0) return { programs: new Map(), locations: new Map() };
  const found = await searchAll(client, `HealthcareService?_id=${programIds.join(',')}&_include=HealthcareService:location&_count=100`, { includeIncluded: true });
  return {
    programs: new Map(found.filter((r) => r.resourceType === 'HealthcareService').map((p) => [`HealthcareService/${p.id}`, p])),
    locations: new Map(found.filter((r) => r.resourceType === 'Location').map((l) => [`Location/${l.id}`, l])),
  };
}

function renderWhere(program, locations) {
  const places = (program?.location ?? []).map((ref) => locations.get(ref.reference)).filter(Boolean);
  const items = places.map((place) => {
    const url = joinUrl(place);
    if (url) return h('li', null, h('a', { class: 'button join', href: url, target: '_blank', rel: 'noopener' }, `Join online${place.name ? ` (${place.name})` : ''}`));
    return h('li', null, h('span', { class: 'place-name' }, place.name ?? 'Clinic'), addressText(place) ? h('span', { class: 'hint' }, ` · ${addressText(place)}`) : null);
  });
  return items.length ? h('ul', { class: 'list-plain where' }, items) : null;
}

export async function showUpcomingSessions(client, target) {
  replaceContent(target, h('p', { role: 'status' }, 'Loading…'));
  try {
    const now = new Date().toISOString();
    const appointments = (await searchAll(client, `Appointment?patient=Patient/${client.patient.id}&date=${encodeURIComponent(`ge${now}`)}&_sort=date&_count=20`, { maxPages: 1 }))
      .filter((a) => a.status === 'booked' || a.status === 'pending' || a.status === 'proposed');
    if (appointments.length === 0) {
      replaceContent(target, h('p', null, 'No upcoming sessions.'));
      return;
    }
    const { programs, locations } = await loadPlaces(client, appointments).catch(() => ({ programs: new Map(), locations: new Map() }));
    const zoneOf = (program) => declaredTimeZone(program) ?? (program?.location ?? []).map((r) => declaredTimeZone(locations.get(r.reference))).find(Boolean) ?? browserTimeZone();
    replaceContent(target, h('ul', { class: 'list-plain session-list' }, appointments.map((a) => {
      const program = programs.get(programOf(a));
      const zone = zoneOf(program);
      return h('li', { class: 'session-item', 'data-appointment': a.id },
        h('div', null, h('strong', null, formatDateInZone(a.start, zone)), ' ', h('span', { class: 'session-time' }, formatTimeRangeInZone(a.start, a.end, zone))),
        h('div', null, codingLabel(a.serviceType?.[0]) || a.description || 'Session', program?.name ? h('span', { class: 'hint' }, ` · ${program.name}`) : null),
        virtualServiceOf(a) ? renderVirtualSession(virtualServiceOf(a)) : renderWhere(program, locations));
    })));
  } catch (error) {
    replaceContent(target);
    showError(error, 'Your sessions could not be loaded');
  }
}
