/**
 * The two check-in instruments the apps chart: their total-score LOINC codes, ranges and severity bands (the
 * same bands the server scores with; the server's Observation interpretation stays the authority per score).
 */
export const INSTRUMENTS = {
  'phq-9': {
    id: 'phq-9', title: 'PHQ-9 (depression)', questionnaire: 'http://iop-fhir.org/fhir/Questionnaire/phq-9', totalLoinc: '44261-6', max: 27,
    bands: [
      { label: 'None or minimal', min: 0, max: 4 }, { label: 'Mild', min: 5, max: 9 }, { label: 'Moderate', min: 10, max: 14 },
      { label: 'Moderately severe', min: 15, max: 19 }, { label: 'Severe', min: 20, max: 27 },
    ],
  },
  'gad-7': {
    id: 'gad-7', title: 'GAD-7 (anxiety)', questionnaire: 'http://iop-fhir.org/fhir/Questionnaire/gad-7', totalLoinc: '70274-6', max: 21,
    bands: [
      { label: 'Minimal', min: 0, max: 4 }, { label: 'Mild', min: 5, max: 9 }, { label: 'Moderate', min: 10, max: 14 }, { label: 'Severe', min: 15, max: 21 },
    ],
  },
};

/** PHQ-9 item 9 (thoughts of being better off dead or of self-harm). */
export const PHQ9_ITEM9_LINK_ID = '44260-8';

export function bandOf(instrument, total) {
  return instrument.bands.find((b) => total >= b.min && total <= b.max)?.label ?? '';
}

/** Score Observations → chart points, oldest first. */
export function scoreSeries(observations, instrument) {
  return observations
    .filter((o) => o.code?.coding?.some((c) => c.code === instrument.totalLoinc) && typeof o.valueInteger === 'number' && o.status !== 'entered-in-error')
    .map((o) => ({ date: o.effectiveDateTime ?? o.issued ?? '', total: o.valueInteger, id: o.id }))
    .filter((p) => p.date)
    .sort((a, b) => (a.date < b.date ? -1 : 1));
}
