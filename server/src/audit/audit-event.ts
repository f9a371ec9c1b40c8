/** Builds the AuditEvent resource (FHIR R4, DICOM/HL7 codes) stored for one AuditRecord. */
import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import type { AuditRecord } from './audit-record';

const EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';
const REST_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const SUBTYPE = 'https://iop-fhir.example/CodeSystem/authorization-event';
export const USER_ID_SYSTEM = 'urn:iop-fhir:user';
export const CLIENT_ID_SYSTEM = 'urn:iop-fhir:client';

export function buildAuditEvent(id: string, recorded: Date, record: AuditRecord): AuditEvent {
  const rest = record.kind === 'rest';
  return {
    resourceType: 'AuditEvent',
    id,
    type: eventType(record),
    subtype: [rest ? { system: REST_INTERACTION, code: record.subtype } : { system: SUBTYPE, code: `${record.kind}:${record.subtype}` }],
    action: record.action,
    recorded: recorded.toISOString(),
    outcome: record.outcome,
    ...(record.outcomeDescription ? { outcomeDesc: record.outcomeDescription } : {}),
    agent: agents(record),
    source: {
      observer: { display: 'iop-fhir' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity: entities(record),
    ...(record.purposeOfUse ? { purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: record.purposeOfUse }] }] } : {}),
  };
}

/** REST interactions, emergency accesses to 42 CFR Part 2 records (a security alert of their own), authorization events. */
function eventType(record: AuditRecord): { system: string; code: string; display: string } {
  if (record.kind === 'rest') return { system: EVENT_TYPE, code: 'rest', display: 'RESTful Operation' };
  if (record.kind === 'emergency-access') return { system: DICOM, code: '110113', display: 'Security Alert' };
  return { system: DICOM, code: '110114', display: 'User Authentication' };
}

function agents(record: AuditRecord): AuditEventAgent[] {
  const { agent } = record;
  const list: AuditEventAgent[] = [];
  const network = record.sourceIp ? { network: { address: record.sourceIp, type: '2' as const } } : {};
  if (agent.userId || agent.fhirUser) {
    list.push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser', display: 'human user' }] },
      who: agent.fhirUser
        ? { reference: agent.fhirUser, ...(agent.userId ? { identifier: { system: USER_ID_SYSTEM, value: agent.userId } } : {}) }
        : { identifier: { system: USER_ID_SYSTEM, value: agent.userId } },
      ...(agent.username ? { altId: agent.username } : {}),
      requestor: true,
      ...network,
    });
  }
  if (agent.clientId) {
    list.push({
      type: { coding: [{ system: DICOM, code: '110150', display: 'Application' }] },
      who: { identifier: { system: CLIENT_ID_SYSTEM, value: agent.clientId } },
      requestor: list.length === 0,
      ...(list.length === 0 ? network : {}),
    });
  }
  if (list.length === 0) list.push({ who: { display: 'anonymous' }, requestor: true, ...network });
  return list;
}

function entities(record: AuditRecord): AuditEventEntity[] {
  const list: AuditEventEntity[] = record.patients.map((id) => ({
    what: { reference: `Patient/${id}` },
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
    role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
  }));
  for (const reference of record.entities) {
    if (list.some((e) => e.what?.reference === reference)) continue;
    list.push({ what: { reference }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } });
  }
  if (record.query) {
    list.push({
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
      query: Buffer.from(record.query, 'utf8').toString('base64'),
      description: record.query,
      ...(record.requestId ? { detail: [{ type: 'request-id', valueString: record.requestId }] } : {}),
    });
  }
  return list;
}
