/**
 * Every system, code, extension, profile and Measure the IOP operations write is defined in terminology/ or
 * profiles/. Code unions of domain/ are listed as complete Records, so tsc fails when the domain gains a code
 * this test does not check; literal `system: CS.x, code: '…'` pairs in the sources are found by scanning them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeSystem, CodeSystemConcept, Measure, StructureDefinition } from '@medplum/fhirtypes';
import type { AttendanceFlagCode } from '../../server/src/domain/attendance-flags';
import type { AttendanceStatus } from '../../server/src/domain/attendance-status';
import type { AuthorizationWarningCode } from '../../server/src/domain/authorization-units';
import type { ClaimModel, FacilitySetting, Modality, PayerClass, ProgramKind, SessionFeature, SessionType } from '../../server/src/domain/billing-types';
import type { ObligationKind } from '../../server/src/domain/certification-schedule';
import type { RiskFlagDescriptor, RiskTaskDescriptor } from '../../server/src/domain/suicide-risk';
import { CS, EXT, PROFILE, SIGNED_TAG } from '../../server/src/operations/iop/iop-vocabulary';
import { PROGRAM_MEASURES } from '../../server/src/operations/iop/outcome-report';

const ROOT = path.join(__dirname, '..', '..');
const readJsonDir = <T>(dir: string, prefix: string): T[] => readdirSync(path.join(ROOT, dir))
  .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(ROOT, dir, f), 'utf8')) as T);

const codesBySystem = new Map<string, Set<string>>();
const addCodes = (set: Set<string>, concepts: CodeSystemConcept[] = []) => concepts.forEach((c) => { set.add(c.code!); addCodes(set, c.concept); });
for (const cs of readJsonDir<CodeSystem>('terminology', 'CodeSystem-')) addCodes(codesBySystem.get(cs.url!) ?? codesBySystem.set(cs.url!, new Set()).get(cs.url!)!, cs.concept);
const structureDefinitions = new Set(readJsonDir<StructureDefinition>('profiles', 'StructureDefinition-').map((sd) => sd.url));
const missing = (system: string, codes: readonly string[]) => codes.filter((code) => !codesBySystem.get(system)?.has(code)).map((code) => `${system}#${code}`);
const keys = <K extends string>(record: Record<K, true>) => Object.keys(record) as K[];

test('every code system the operations write is shipped (UCUM excepted: it is a grammar, not a list)', () => {
  expect(Object.values(CS).filter((url) => url !== CS.ucum && !codesBySystem.has(url))).toEqual([]);
});

test('every extension and profile the operations write is shipped', () => {
  expect([...Object.values(EXT), ...Object.values(PROFILE)].filter((url) => !structureDefinitions.has(url))).toEqual([]);
});

test('the codes of domain/ are in their code systems', () => {
  const flags: Record<AttendanceFlagCode, true> = { 'consecutive-no-shows': true, 'no-shows-in-period': true, 'below-weekly-hours': true };
  const authorization: Record<AuthorizationWarningCode, true> = {
    'authorization-exhausted': true, 'authorization-exceeded': true, 'authorization-period-ended': true, 'authorization-not-started': true,
    'authorization-expiring': true, 'authorization-insufficient': true,
  };
  const riskFlags: Record<RiskFlagDescriptor['code'], true> = { 'phq9-item9-positive': true, 'message-self-harm-mention': true };
  const riskTasks: Record<RiskTaskDescriptor['code'], true> = { 'suicide-risk-assessment': true, 'complete-phq9-item9': true };
  const obligations: Record<ObligationKind, true> = { certification: true, recertification: true, 'plan-review': true };
  const attendance: Record<AttendanceStatus, true> = {
    present: true, 'late-arrival': true, 'left-early': true, 'late-and-left-early': true, 'absent-excused': true, 'absent-unexcused': true, 'cancelled-by-program': true,
  };
  const sessionTypes: Record<SessionType, true> = {
    'group-psychotherapy': true, 'interactive-group-psychotherapy': true, 'individual-psychotherapy': true, 'family-psychotherapy': true,
    'multi-family-group': true, 'psychiatric-evaluation': true, 'medication-management': true, psychoeducation: true, 'activity-therapy': true,
    'occupational-therapy': true, 'crisis-intervention': true,
  };
  const settings: Record<FacilitySetting, true> = {
    'hospital-on-campus': true, 'hospital-off-campus-excepted': true, 'hospital-off-campus-non-excepted': true, cmhc: true, cah: true,
    'rhc-fqhc': true, office: true, 'sud-facility': true, otp: true,
  };
  const payers: Record<PayerClass, true> = { medicare: true, 'medicare-advantage': true, medicaid: true, commercial: true, tricare: true, 'self-pay': true, other: true };
  const programKinds: Record<ProgramKind, true> = { 'mh-iop': true, 'sud-iop': true, 'cod-iop': true, 'mh-php': true, 'sud-php': true, outpatient: true };
  const modalities: Record<Modality, true> = { 'in-person': true, video: true, 'audio-only': true };
  const features: Record<SessionFeature, true> = { 'patient-not-present': true, 'medical-services': true, 'interactive-complexity': true };
  const models: Record<ClaimModel, true> = { professional: true, 'institutional-per-service': true, 'institutional-per-diem': true, none: true };
  const own = (id: string) => `http://iop-fhir.org/fhir/CodeSystem/${id}`;
  expect([
    ...missing(CS.riskFlagType, [...keys(flags), ...keys(authorization), ...keys(riskFlags)]),
    ...missing(CS.taskCode, [...keys(riskTasks), ...keys(obligations), 'attendance-outreach']),
    ...missing(CS.attendanceStatus, keys(attendance)),
    ...missing(CS.sessionType, keys(sessionTypes)),
    ...missing(CS.facilitySetting, keys(settings)),
    ...missing(CS.payerClass, keys(payers)),
    ...missing(own('billing-program-kind'), keys(programKinds)),
    ...missing(own('session-modality'), keys(modalities)),
    ...missing(own('session-feature'), keys(features)),
    ...missing(own('claim-model'), keys(models)),
    ...missing(SIGNED_TAG.system!, [SIGNED_TAG.code!]),
  ]).toEqual([]);
});

test('literal codes written with a CS system in the IOP sources are in that code system', () => {
  const dirs = ['server/src/operations/iop', 'server/src/domain', 'server/src/demo'];
  const pairs: [string, string][] = [];
  for (const dir of dirs) {
    for (const file of readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(path.join(ROOT, dir, file), 'utf8');
      for (const m of source.matchAll(/system: CS\.(\w+), code: '([^']+)'/g)) if (m[1] !== 'ucum') pairs.push([CS[m[1] as keyof typeof CS], m[2]]);
    }
  }
  expect(pairs.length).toBeGreaterThan(3);
  expect(pairs.flatMap(([system, code]) => missing(system, [code]))).toEqual([]);
});

test('every Measure a MeasureReport of $outcome-report names is shipped', () => {
  const measures = new Set(readJsonDir<Measure>('profiles/measures', 'Measure-').map((m) => m.url));
  expect(PROGRAM_MEASURES.map((m) => `http://iop-fhir.org/fhir/Measure/${m.id}`).filter((url) => !measures.has(url))).toEqual([]);
});

test('the authorized-units extension defines the usage the server keeps (usedUnits, countedDate)', () => {
  const sd = readJsonDir<StructureDefinition>('profiles', 'StructureDefinition-authorized-units')[0];
  const slices = (sd.snapshot?.element ?? []).filter((e) => e.path === 'Extension.extension' && e.sliceName).map((e) => e.sliceName);
  expect(slices).toEqual(expect.arrayContaining(['usedUnits', 'countedDate']));
});
