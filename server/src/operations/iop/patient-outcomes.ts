/**
 * GET /Patient/{id}/$outcomes: per instrument, baseline, latest, change, response (≥ 50 % drop), remission
 * (PHQ-9 < 5), reliable change (PHQ-9 5 points, GAD-7 4, PCL-5 10), and each treatment-plan Goal target judged
 * against the latest score (domain/outcomes.ts).
 */
import type { Goal, ParametersParameter } from '@medplum/fhirtypes';
import { INSTRUMENTS } from '../../domain/instrument-definitions';
import type { InstrumentOutcome, ScoredMeasurement } from '../../domain/outcomes';
import { computeInstrumentOutcome, evaluateGoalTarget } from '../../domain/outcomes';
import type { OperationDeclaration } from '../registry';
import { loadMeasurements } from './load-measurements';
import { DEFAULT_PROGRAM_TIME_ZONE, iopOperationDefinition, nowOf } from './operation-support';
import { out, parameters } from './operation-output';
import { readResource, searchAll } from './read-resources';

export const outcomesOperation: OperationDeclaration = {
  definition: iopOperationDefinition('outcomes'),
  handler: async (_input, ctx, target) => {
    const patient = await readResource(ctx, 'Patient', target.id!);
    const measurements = (await loadMeasurements(ctx, [patient.id!])).get(patient.id!) ?? [];
    const goals = await searchAll<Goal>(ctx, 'Goal', { patient: `Patient/${patient.id}` });
    const now = nowOf(ctx);
    const instruments = Object.values(INSTRUMENTS)
      .map((definition) => computeInstrumentOutcome(measurements, definition))
      .filter((o) => o.measurementCount > 0);
    const goalParts = goals.flatMap((goal) => (goal.target ?? []).map((t) => {
      const evaluation = evaluateGoalTarget(t, measurements, now, DEFAULT_PROGRAM_TIME_ZONE);
      return out.parts('goal',
        out.reference('goal', `Goal/${goal.id}`),
        out.string('description', goal.description?.text),
        out.code('instrument', evaluation.instrument),
        out.code('status', evaluation.status),
        out.code('achievement', evaluation.achievement),
        out.integer('latest', evaluation.latest?.total),
        out.string('explanation', evaluation.explanation));
    }));
    return { status: 200, body: parameters(out.reference('patient', `Patient/${patient.id}`), ...instruments.map(instrumentPart), ...goalParts) };
  },
};

function measurementPart(name: string, m: ScoredMeasurement | undefined): ParametersParameter | undefined {
  if (!m) return undefined;
  return out.parts(name, out.integer('total', m.total), out.dateTime('date', m.date.toISOString()), out.reference('observation', m.observationId ? `Observation/${m.observationId}` : undefined));
}

function instrumentPart(o: InstrumentOutcome): ParametersParameter {
  return out.parts('instrument',
    out.code('instrument', o.instrument),
    out.integer('measurementCount', o.measurementCount),
    measurementPart('baseline', o.baseline),
    measurementPart('latest', o.latest),
    out.integer('change', o.change),
    out.decimal('relativeChange', o.relativeChange),
    out.boolean('response', o.response),
    out.boolean('remission', o.remission),
    out.code('reliableChange', o.reliableChange ?? undefined),
    out.boolean('elevatedBaseline', o.elevatedBaseline));
}
