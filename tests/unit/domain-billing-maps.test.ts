/** The billing tables are built from the billing-rule ConceptMaps: edits to a map change the lines; a map that cannot be read is refused. */
import type { ConceptMap } from '@medplum/fhirtypes';
import { BILLING_MAP_URLS, buildBillingTables } from '../../server/src/domain/billing-rules-from-maps';
import type { BillableSession, BillingContext } from '../../server/src/domain/billing-types';
import { BILLING_RULE_PROPERTY } from '../../server/src/domain/concept-map-rules';
import { selectBillingLines } from '../../server/src/domain/select-billing-lines';
import { readShippedConceptMaps } from '../support/billing-maps-from-files';

const session = (extra: Partial<BillableSession> = {}): BillableSession => ({
  sessionKey: 's1|Patient/1', sessionType: 'individual-psychotherapy', serviceDate: '2024-03-04', attendanceStatus: 'present',
  minutesAttended: 45, noteStatus: 'signed', modality: 'in-person', ...extra,
});
const commercialOutpatient: BillingContext = { payerClass: 'commercial', programKind: 'outpatient', setting: 'office' };

/** The shipped maps with one map edited by `edit` (a deep copy). */
function withMap(url: string, edit: (map: ConceptMap) => void): ConceptMap[] {
  return readShippedConceptMaps().map((m) => {
    if (m.url !== url) return m;
    const copy: ConceptMap = JSON.parse(JSON.stringify(m));
    edit(copy);
    return copy;
  });
}
const element = (map: ConceptMap, code: string, group = 0) => map.group![group].element!.find((e) => e.code === code)!;
const codesOf = (maps: ConceptMap[], s: BillableSession, c: BillingContext) => {
  const result = selectBillingLines(s, c, { tables: buildBillingTables(maps) });
  return result.ok ? result.lines.map((l) => l.code) : result.reason;
};

test('every billing map is shipped and reads', () => {
  const shipped = readShippedConceptMaps().map((m) => m.url);
  for (const url of Object.values(BILLING_MAP_URLS)) expect(shipped).toContain(url);
  expect(() => buildBillingTables(readShippedConceptMaps())).not.toThrow();
});

test('a time rule edited in the map moves the boundary: 90837 from 60 minutes', () => {
  const edited = withMap(BILLING_MAP_URLS.professionalCodes, (map) => {
    const [, b90834, b90837] = element(map, 'individual-psychotherapy').target!;
    b90834.dependsOn!.find((d) => d.property!.endsWith('#max-minutes'))!.value = '59';
    b90837.dependsOn!.find((d) => d.property!.endsWith('#min-minutes'))!.value = '60';
  });
  expect(codesOf(readShippedConceptMaps(), session({ minutesAttended: 55 }), commercialOutpatient)).toEqual(['90837']);
  expect(codesOf(edited, session({ minutesAttended: 55 }), commercialOutpatient)).toEqual(['90834']);
  expect(codesOf(edited, session({ minutesAttended: 60 }), commercialOutpatient)).toEqual(['90837']);
});

test('a payer-class target goes before the codes for every payer', () => {
  const edited = withMap(BILLING_MAP_URLS.professionalCodes, (map) => {
    element(map, 'group-psychotherapy').target!.unshift({ code: '90849', equivalence: 'equivalent', dependsOn: [{ property: `${BILLING_RULE_PROPERTY}#payer-class`, value: 'medicaid' }] });
  });
  const group = session({ sessionType: 'group-psychotherapy' });
  expect(codesOf(edited, group, { ...commercialOutpatient, payerClass: 'medicaid' })).toEqual(['90849']);
  expect(codesOf(edited, group, commercialOutpatient)).toEqual(['90853']);
});

test('the claim model, condition code and place of service follow their maps', () => {
  const commercialIop: BillingContext = { payerClass: 'commercial', programKind: 'mh-iop', setting: 'cmhc' };
  const group = session({ sessionType: 'group-psychotherapy', minutesAttended: 90 });
  expect(codesOf(readShippedConceptMaps(), group, commercialIop)).toEqual(['S9480']);
  const professional = withMap(BILLING_MAP_URLS.claimModels, (map) => {
    const targets = element(map, 'commercial').target!;
    targets[targets.length - 1].code = 'professional';
  });
  expect(codesOf(professional, group, commercialIop)).toEqual(['90853']);
  const pos = withMap(BILLING_MAP_URLS.facilitySetting, (map) => { element(map, 'cmhc').target![0].code = '52'; });
  const result = selectBillingLines(group, commercialIop, { tables: buildBillingTables(pos) });
  expect(result).toMatchObject({ ok: true, placeOfService: '52' });
  const medicare = selectBillingLines(group, { ...commercialIop, payerClass: 'medicare' }, { tables: buildBillingTables(withMap(BILLING_MAP_URLS.conditionCodes, (map) => {
    element(map, 'mh-iop').target![0].code = '41';
  })) });
  expect(medicare).toMatchObject({ ok: true, conditionCode: '41' });
});

test('refused: a missing map, an unknown property, a condition the map does not support, a per diem without revenue code', () => {
  expect(() => buildBillingTables(readShippedConceptMaps().filter((m) => m.url !== BILLING_MAP_URLS.telehealth))).toThrow(/modality-to-telehealth-coding is missing/);
  expect(() => buildBillingTables(withMap(BILLING_MAP_URLS.professionalCodes, (map) => {
    element(map, 'multi-family-group').target![0].dependsOn = [{ property: `${BILLING_RULE_PROPERTY}#min-minuts`, value: '10' }];
  }))).toThrow(/unknown billing rule property .*min-minuts/);
  expect(() => buildBillingTables(withMap(BILLING_MAP_URLS.claimModels, (map) => {
    element(map, 'self-pay').target![0].dependsOn = [{ property: `${BILLING_RULE_PROPERTY}#facility-setting`, value: 'office' }];
  }))).toThrow(/facility-setting is not a condition this map supports/);
  expect(() => buildBillingTables(withMap(BILLING_MAP_URLS.perDiemCodes, (map) => { element(map, 'mh-iop').target![0].code = 'H0005'; })))
    .toThrow(/no revenue code for the per-diem code H0005/);
  expect(() => buildBillingTables(withMap(BILLING_MAP_URLS.professionalCodes, (map) => {
    element(map, 'individual-psychotherapy').target![0].dependsOn![0].value = 'sixteen';
  }))).toThrow(/'sixteen' is not a whole number/);
});
