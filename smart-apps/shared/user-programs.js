/**
 * The programs (HealthcareServices) to offer the signed-in user: a practitioner whose roles name programs sees
 * those; one with an organisation-wide role (no programs named), or any other user, sees every program the
 * server lets them read. The server's access filter stays the authority on the data behind each program.
 */
import { searchAll } from './fhir-requests.js';

export async function loadUserPrograms(client) {
  const programs = (await searchAll(client, 'HealthcareService?_count=200')).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  const user = client.user.fhirUser;
  if (!user?.startsWith('Practitioner/')) return programs;
  let roles;
  try {
    roles = await searchAll(client, `PractitionerRole?practitioner=${user}&_count=100`);
  } catch {
    return programs;
  }
  const active = roles.filter((r) => r.active !== false);
  if (active.length === 0 || active.some((r) => !r.healthcareService?.length)) return programs;
  const named = new Set(active.flatMap((r) => r.healthcareService.map((s) => s.reference)));
  return programs.filter((p) => named.has(`HealthcareService/${p.id}`));
}
