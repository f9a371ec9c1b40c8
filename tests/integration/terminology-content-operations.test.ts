/**
 * The terminology operations over OUR content (terminology/): $expand of our value sets (filters, paging,
 * hierarchies, included value sets, fragments of external systems), $validate-code, $lookup with properties,
 * $translate with the billing and edition ConceptMaps, and $subsumes over our hierarchies.
 */
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const VS = 'http://iop-fhir.org/fhir/ValueSet/';
const CS = 'http://iop-fhir.org/fhir/CodeSystem/';
const CM = 'http://iop-fhir.org/fhir/ConceptMap/';
const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';

type Param = { name: string; valueBoolean?: boolean; valueString?: string; valueCode?: string; valueInteger?: number; valueCoding?: { system?: string; code?: string; display?: string }; part?: Param[] };
type Body = { parameter?: Param[] };
const param = (body: Body, name: string) => body.parameter?.find((p) => p.name === name);
const params = (body: Body, name: string) => body.parameter?.filter((p) => p.name === name) ?? [];
const part = (p: Param | undefined, name: string) => p?.part?.find((x) => x.name === name);

async function expand(query: Record<string, string | number>) {
  const res = await server.http.get('/fhir/ValueSet/$expand').query(query);
  expect(res.status).toBe(200);
  const contains: { system: string; code: string; display?: string }[] = res.body.expansion.contains ?? [];
  return { total: res.body.expansion.total as number, contains, codes: contains.map((c) => c.code) };
}

describe('$expand of our value sets', () => {
  test('level of care: both ASAM editions and the MH levels, groupers excluded', async () => {
    const { total, contains } = await expand({ url: `${VS}level-of-care` });
    expect(total).toBe(28);
    const bySystem = (system: string) => contains.filter((c) => c.system === `${CS}${system}`).map((c) => c.code);
    expect(bySystem('asam-level-of-care-3')).toEqual(expect.arrayContaining(['2.1', '2.5', '3.3', '3.2-WM']));
    expect(bySystem('asam-level-of-care-3')).not.toContain('2');
    expect(bySystem('asam-level-of-care-4')).toEqual(expect.arrayContaining(['1.0', '2.5', '2.7']));
    expect(bySystem('mh-level-of-care').sort()).toEqual(['mh-inpatient', 'mh-iop', 'mh-op', 'mh-php']);
  });

  test('filter and paging; displayLanguage is ignored', async () => {
    const all = await expand({ url: `${VS}session-type`, filter: 'psychotherapy' });
    expect(all.codes.sort()).toEqual(['family-psychotherapy', 'group-psychotherapy', 'individual-psychotherapy', 'interactive-group-psychotherapy', 'multi-family-group']);
    const first = await expand({ url: `${VS}session-type`, count: 4, offset: 0 });
    const second = await expand({ url: `${VS}session-type`, count: 4, offset: 4, displayLanguage: 'es' });
    expect(first.total).toBe(11);
    expect(first.codes).toHaveLength(4);
    expect(second.codes).toHaveLength(4);
    expect(first.codes.filter((c) => second.codes.includes(c))).toEqual([]);
  });

  test('ICD-10-CM subset: enumerated billable codes; is-a filters over the category groupers', async () => {
    const iop = await expand({ url: `${VS}iop-diagnosis` });
    expect(iop.codes).toEqual(expect.arrayContaining(['F33.1', 'F41.1', 'F43.10', 'F10.20']));
    expect(iop.codes).not.toContain('F33');
    const sud = await expand({ url: `${VS}sud-diagnosis` });
    expect(sud.codes).toEqual(expect.arrayContaining(['F10.20', 'F11.20', 'F12.20', 'F19.20']));
    expect(sud.codes).not.toContain('F33.1');
  });

  test('security labels: a value set made of value sets over R4 core code systems', async () => {
    const { codes } = await expand({ url: `${VS}iop-security-label` });
    expect(codes).toEqual(expect.arrayContaining(['N', 'R', 'V', 'PSY', 'PSYTHPN', 'SUD', 'ETH', '42CFRPart2', 'NORDSCLCD']));
  });

  test('instrument totals and answer lists (LOINC subset)', async () => {
    expect((await expand({ url: `${VS}assessment-score` })).codes.sort()).toEqual(['101698-9', '44261-6', '70274-6', '75626-2']);
    expect((await expand({ url: `${VS}phq-frequency` })).contains.map((c) => c.display)).toEqual(['Not at all', 'Several days', 'More than half the days', 'Nearly every day']);
  });
});

describe('$validate-code', () => {
  const check = async (query: Record<string, string>) => {
    const res = await server.http.get('/fhir/ValueSet/$validate-code').query(query);
    expect(res.status).toBe(200);
    return res.body as Body;
  };

  test('session types and attendance statuses', async () => {
    expect(param(await check({ url: `${VS}session-type`, system: `${CS}session-type`, code: 'multi-family-group' }), 'result')?.valueBoolean).toBe(true);
    const yoga = await check({ url: `${VS}session-type`, system: `${CS}session-type`, code: 'yoga' });
    expect(param(yoga, 'result')?.valueBoolean).toBe(false);
    expect(param(await check({ url: `${VS}attendance-status-attended`, system: `${CS}attendance-status`, code: 'late-arrival' }), 'result')?.valueBoolean).toBe(true);
    expect(param(await check({ url: `${VS}attendance-status-attended`, system: `${CS}attendance-status`, code: 'absent-unexcused' }), 'result')?.valueBoolean).toBe(false);
  });

  test('a grouper is not a member of a value set that excludes it; displays are checked', async () => {
    expect(param(await check({ url: `${VS}risk-flag-type`, system: `${CS}risk-flag-type`, code: 'clinical-risk' }), 'result')?.valueBoolean).toBe(false);
    const hiop = await check({ url: `${VS}level-of-care`, system: `${CS}asam-level-of-care-4`, code: '2.5', display: 'High-intensity outpatient (HIOP)' });
    expect(param(hiop, 'result')?.valueBoolean).toBe(true);
    const wrong = await check({ url: `${VS}level-of-care`, system: `${CS}asam-level-of-care-4`, code: '2.5', display: 'Partial hospitalization' });
    expect(param(wrong, 'result')?.valueBoolean).toBe(false);
  });

  test('billing codes: HCPCS and CPT from our subsets', async () => {
    expect(param(await check({ url: `${VS}iop-billing-code`, system: HCPCS, code: 'G0410' }), 'result')?.valueBoolean).toBe(true);
    expect(param(await check({ url: `${VS}iop-billing-code`, system: CPT, code: '90853' }), 'result')?.valueBoolean).toBe(true);
    expect(param(await check({ url: `${VS}iop-billing-code`, system: CPT, code: '95' }), 'result')?.valueBoolean).toBe(false);
    expect(param(await check({ url: `${VS}telehealth-modifier`, system: CPT, code: '95' }), 'result')?.valueBoolean).toBe(true);
  });
});

describe('$lookup', () => {
  const lookup = async (system: string, code: string) => {
    const res = await server.http.get('/fhir/CodeSystem/$lookup').query({ system, code });
    expect(res.status).toBe(200);
    return res.body as Body;
  };
  const properties = (body: Body) => params(body, 'property').map((p) => [part(p, 'code')?.valueCode, Object.values(part(p, 'value') ?? {})[1]]);

  test('LOINC and CPT from our subsets: CPT answers with our own label', async () => {
    expect(param(await lookup('http://loinc.org', '44261-6'), 'display')?.valueString).toBe('Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]');
    const cpt = await lookup(CPT, '90853');
    expect(param(cpt, 'display')?.valueString).toBe('Group psychotherapy');
    expect(param(cpt, 'name')?.valueString).toBe('CPT: IOP subset (codes only)');
  });

  test('hierarchy and own properties: PHQ-9 item 9 flag under suicide risk; ASAM 2.1 at 9 hours a week', async () => {
    expect(properties(await lookup(`${CS}risk-flag-type`, 'phq9-item9-positive'))).toContainEqual(['parent', 'suicide-risk']);
    expect(properties(await lookup(`${CS}asam-level-of-care-3`, '2.1'))).toContainEqual(['minWeeklyHoursAdult', 9]);
    expect(properties(await lookup(`${CS}mh-level-of-care`, 'mh-php'))).toContainEqual(['minWeeklyHours', 20]);
  });

  test('a code outside a subset is not found', async () => {
    const res = await server.http.get('/fhir/CodeSystem/$lookup').query({ system: `${CS}session-type`, code: 'yoga' });
    expect(res.status).toBe(404);
  });
});

describe('$translate with our ConceptMaps', () => {
  const translate = async (map: string, system: string, code: string) => {
    const res = await server.http.get('/fhir/ConceptMap/$translate').query({ url: `${CM}${map}`, system, code });
    expect(res.status).toBe(200);
    const body = res.body as Body;
    return {
      result: param(body, 'result')?.valueBoolean,
      matches: params(body, 'match').map((m) => `${part(m, 'concept')?.valueCoding?.code ?? ''}:${part(m, 'equivalence')?.valueCode}`),
    };
  };

  test('session type → Medicare IOP/PHP billing code, time-based psychotherapy as narrower targets', async () => {
    expect(await translate('session-type-to-medicare', `${CS}session-type`, 'group-psychotherapy')).toEqual({ result: true, matches: ['G0410:equivalent'] });
    expect((await translate('session-type-to-medicare', `${CS}session-type`, 'individual-psychotherapy')).matches.sort())
      .toEqual(['90832:narrower', '90834:narrower', '90837:narrower']);
    expect(await translate('session-type-to-medicare', `${CS}session-type`, 'medication-management')).toMatchObject({ result: false, matches: [':unmatched'] });
  });

  test('professional group psychotherapy is CPT 90853 (with the +90785 add-on); per diem by billing program kind', async () => {
    expect((await translate('session-type-to-professional', `${CS}session-type`, 'group-psychotherapy')).matches).toEqual(['90853:equivalent', '90785:equivalent']);
    expect((await translate('program-to-per-diem-code', `${CS}billing-program-kind`, 'sud-iop')).matches).toEqual(['H0015:equivalent']);
    expect((await translate('payer-class-to-claim-model', `${CS}payer-class`, 'self-pay')).matches).toEqual(['none:equivalent']);
  });

  test('program or level of care → condition code; HCPCS → revenue code', async () => {
    expect((await translate('program-to-condition-code', `${CS}billing-program-kind`, 'mh-php')).matches).toEqual(['41:equivalent']);
    expect((await translate('program-to-condition-code', `${CS}asam-level-of-care-3`, '2.1')).matches).toEqual(['92:equivalent']);
    expect((await translate('hcpcs-to-revenue-code', HCPCS, 'G0410')).matches).toEqual(['0915:equivalent']);
    expect((await translate('hcpcs-to-revenue-code', HCPCS, 'S9480')).matches).toEqual(['0905:equivalent']);
    expect((await translate('hcpcs-to-revenue-code', CPT, '90853')).matches).toEqual(['0915:equivalent']);
  });

  test('ASAM 3rd → 4th edition', async () => {
    expect((await translate('asam-3-to-4', `${CS}asam-level-of-care-3`, '2.5')).matches).toEqual(['2.5:equivalent']);
    expect((await translate('asam-3-to-4', `${CS}asam-level-of-care-3`, '3.3')).matches.sort()).toEqual(['3.1:relatedto', '3.5:relatedto']);
    expect((await translate('asam-3-to-4', `${CS}asam-level-of-care-3`, '3.2-WM')).matches).toEqual(['3.7:wider']);
  });
});

describe('$subsumes over our hierarchies', () => {
  const subsumes = async (system: string, codeA: string, codeB: string) => {
    const res = await server.http.get('/fhir/CodeSystem/$subsumes').query({ system, codeA, codeB });
    expect(res.status).toBe(200);
    return param(res.body, 'outcome')?.valueCode;
  };

  test('levels of care, risk flags, program types and ICD-10-CM categories', async () => {
    expect(await subsumes(`${CS}asam-level-of-care-3`, '2', '2.5')).toBe('subsumes');
    expect(await subsumes(`${CS}asam-level-of-care-3`, '3.2-WM', 'WM')).toBe('subsumed-by');
    expect(await subsumes(`${CS}asam-level-of-care-3`, '2.1', '3.1')).toBe('not-subsumed');
    expect(await subsumes(`${CS}risk-flag-type`, 'clinical-risk', 'phq9-item9-positive')).toBe('subsumes');
    expect(await subsumes(`${CS}program-type`, 'iop', 'sud-iop')).toBe('subsumes');
    expect(await subsumes(`${CS}session-type`, 'interactive-group-psychotherapy', 'group-psychotherapy')).toBe('subsumed-by');
    expect(await subsumes(ICD, 'F43', 'F43.10')).toBe('subsumes');
    expect(await subsumes(ICD, 'F32', 'F33.1')).toBe('not-subsumed');
  });
});
