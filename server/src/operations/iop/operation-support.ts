/** What every IOP operation shares: its OperationDefinition from profiles/operations/, the clock, the program time zone. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OperationDefinition } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir/types';
import { REPO_ROOT } from '../../repo-root';

const DEFINITIONS_DIR = path.join(REPO_ROOT, 'profiles', 'operations');

/** Our OperationDefinition `profiles/operations/OperationDefinition-<name>.json`. */
export function iopOperationDefinition(name: string): OperationDefinition {
  return JSON.parse(readFileSync(path.join(DEFINITIONS_DIR, `OperationDefinition-${name}.json`), 'utf8')) as OperationDefinition;
}

/**
 * The time an operation acts at: `ctx.now` when the caller set one (the demo seed, so the whole organisation is
 * built as of one instant; an app created with a clock), else the real clock. domain/ takes `now` from here
 * instead of reading the clock.
 */
export function nowOf(ctx: FhirContext): Date {
  return ctx.now ?? new Date();
}

/** Program-local rules (weeks, days, session times) need a zone; programs here run on US Central time. */
export const DEFAULT_PROGRAM_TIME_ZONE = 'America/Chicago';
