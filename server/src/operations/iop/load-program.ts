/** A program track (HealthcareService) with what the rules need from it: level of care, zone, billing setting. */
import type { Coding, HealthcareService } from '@medplum/fhirtypes';
import { unprocessable } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { FacilitySetting } from '../../domain/billing-types';
import type { LevelOfCareDefinition } from '../../domain/levels-of-care';
import { findLevelOfCare } from '../../domain/levels-of-care';
import { CS, EXT, findExtension } from './iop-vocabulary';
import { DEFAULT_PROGRAM_TIME_ZONE } from './operation-support';
import { readResource, type AnyReference } from './read-resources';

const TIME_ZONE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/timezone';
const FACILITY_SETTINGS: readonly FacilitySetting[] = [
  'hospital-on-campus', 'hospital-off-campus-excepted', 'hospital-off-campus-non-excepted', 'cmhc', 'cah', 'rhc-fqhc', 'office', 'sud-facility', 'otp',
];
/** Where a program runs when it does not say (HealthcareService.characteristic in the facility-setting system). */
export const DEFAULT_FACILITY_SETTING: FacilitySetting = 'hospital-on-campus';

export interface ProgramContext {
  id: string;
  reference: string;
  service: HealthcareService;
  levelCoding?: Coding;
  level?: LevelOfCareDefinition;
  timeZone: string;
  setting: FacilitySetting;
  part2: boolean;
  organization?: AnyReference;
}

export async function loadProgram(ctx: FhirContext, id: string): Promise<ProgramContext> {
  return describeProgram(await readResource<HealthcareService>(ctx, 'HealthcareService', id));
}

export function describeProgram(service: HealthcareService): ProgramContext {
  const levelCoding = levelCodingOf(findExtension(service, EXT.levelOfCare)?.valueCodeableConcept?.coding);
  const level = levelCoding?.system && levelCoding.code ? findLevelOfCare({ system: levelCoding.system, code: levelCoding.code }) : undefined;
  const settingCode = service.characteristic?.flatMap((c) => c.coding ?? []).find((c) => c.system === CS.facilitySetting)?.code;
  return {
    id: service.id!,
    reference: `HealthcareService/${service.id}`,
    service,
    levelCoding,
    level,
    timeZone: findExtension(service, TIME_ZONE_EXTENSION)?.valueCode ?? DEFAULT_PROGRAM_TIME_ZONE,
    setting: FACILITY_SETTINGS.find((s) => s === settingCode) ?? DEFAULT_FACILITY_SETTING,
    part2: findExtension(service, EXT.part2Program)?.valueBoolean === true,
    organization: service.providedBy,
  };
}

/** The level of care of a program, or a 422 saying the program has none we know. */
export function requireLevel(program: ProgramContext): LevelOfCareDefinition {
  if (!program.level) {
    const code = program.levelCoding ? `${program.levelCoding.system}|${program.levelCoding.code}` : 'none';
    throw unprocessable(`HealthcareService/${program.id} has no known level of care (level-of-care extension: ${code})`);
  }
  return program.level;
}

function levelCodingOf(codings: Coding[] | undefined): Coding | undefined {
  return codings?.find((c) => c.system && c.code && findLevelOfCare({ system: c.system, code: c.code })) ?? codings?.[0];
}
