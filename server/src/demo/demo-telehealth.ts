/**
 * The demo's virtual group: since this week the Adult MH IOP – evening meets by video. Its program carries the
 * virtual-service extension (so sessions it schedules from now on are virtual), and so do its sessions and
 * bookings that have not started yet; the past month stays in person, with its claims. See docs/engagement.md.
 */
import type { Appointment, Extension, HealthcareService } from '@medplum/fhirtypes';
import type { FhirContext } from '../fhir/types';
import type { DemoCalendar } from './demo-calendar';
import { putResource, search } from './demo-operations';

const IOP = 'http://iop-fhir.org/fhir';
const VIRTUAL_SERVICE = `${IOP}/StructureDefinition/virtual-service`;
export const DEMO_VIRTUAL_PROGRAM = 'mh-iop-pm';

export const demoVirtualService: Extension = {
  url: VIRTUAL_SERVICE,
  extension: [
    { url: 'channel', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'VIDEOCONF', display: 'videoconferencing' } },
    { url: 'address', valueUrl: 'https://video.riverbend.example.org/rooms/evening-iop' },
    { url: 'platform', valueString: 'Riverbend Video (demo)' },
    { url: 'additionalInfo', valueString: 'Join 5 minutes early from a private, quiet place; have your DBT diary card at hand.' },
  ],
};

const withVirtualService = <T extends Appointment | HealthcareService>(resource: T): T =>
  ({ ...resource, extension: [...(resource.extension ?? []).filter((e) => e.url !== VIRTUAL_SERVICE), demoVirtualService] });

/** Marks the program and its sessions (with their bookings) from `calendar.now` on as virtual. */
export async function makeGroupVirtual(ctx: FhirContext, programId: string, calendar: DemoCalendar): Promise<number> {
  const [program] = await search<HealthcareService>(ctx, 'HealthcareService', { _id: programId });
  await putResource(ctx, withVirtualService(program));
  const upcoming = await search<Appointment>(ctx, 'Appointment', { program: `HealthcareService/${programId}`, date: `ge${calendar.now.toISOString()}` });
  for (const appointment of upcoming.filter((a) => a.status === 'booked')) await putResource(ctx, withVirtualService(appointment));
  return upcoming.length;
}
