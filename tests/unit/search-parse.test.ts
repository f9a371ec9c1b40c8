/** The search parser: URL query → plain SearchRequest, without a database. */
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { parseSearchQuery } from '../../server/src/search/parse-search';
import { splitSystem, splitUnescaped, splitValues, unescapeValue } from '../../server/src/search/values';

beforeAll(() => loadFhirDefinitions());

const q = (text: string): Record<string, string[]> => {
  const query: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) (query[k] ??= []).push(v);
  return query;
};

describe('values', () => {
  test('comma is OR unless escaped; escapes survive until unescaped', () => {
    expect(splitValues('a,b\\,c,d')).toEqual(['a', 'b\\,c', 'd']);
    expect(unescapeValue('b\\,c\\|d\\$e\\\\f')).toEqual('b,c|d$e\\f');
    expect(splitUnescaped('http://loinc.org|8480-6$gt100', '$')).toEqual(['http://loinc.org|8480-6', 'gt100']);
    expect(splitSystem('http://x|a\\|b')).toEqual({ system: 'http://x', code: 'a|b' });
    expect(splitSystem('|abc')).toEqual({ system: '', code: 'abc' });
    expect(splitSystem('abc')).toEqual({ code: 'abc' });
  });
});

describe('filters', () => {
  test('plain parameters with modifiers, prefixes and OR values', () => {
    const request = parseSearchQuery('Observation', q('code=a,b&date=ge2024-01&date=lt2024-02&value-quantity=gt5|http://unitsofmeasure.org|mg&status:not=final'));
    expect(request.filters).toEqual([
      { kind: 'param', code: 'code', type: 'token', values: [{ raw: 'a' }, { raw: 'b' }] },
      { kind: 'param', code: 'date', type: 'date', values: [{ prefix: 'ge', raw: '2024-01' }] },
      { kind: 'param', code: 'date', type: 'date', values: [{ prefix: 'lt', raw: '2024-02' }] },
      { kind: 'param', code: 'value-quantity', type: 'quantity', values: [{ prefix: 'gt', raw: '5|http://unitsofmeasure.org|mg' }] },
      { kind: 'param', code: 'status', type: 'token', modifier: 'not', values: [{ raw: 'final' }] },
    ]);
    expect(request.unknown).toEqual([]);
  });

  test('a prefix is only read on ordered types', () => {
    const request = parseSearchQuery('Patient', q('name=eve&family=gtx'));
    expect(request.filters.map((f) => f.kind === 'param' && f.values)).toEqual([[{ raw: 'eve' }], [{ raw: 'gtx' }]]);
  });

  test('references to our own base URL become relative; :Type and :identifier', () => {
    const request = parseSearchQuery('Observation', q('subject=http://localhost:8080/fhir/Patient/1&subject:Patient=2&subject:identifier=http://x|9'),
      { baseUrl: 'http://localhost:8080/fhir' });
    expect(request.filters).toEqual([
      { kind: 'param', code: 'subject', type: 'reference', values: [{ raw: 'Patient/1' }] },
      { kind: 'param', code: 'subject', type: 'reference', modifier: 'Patient', values: [{ raw: '2' }] },
      { kind: 'param', code: 'subject', type: 'reference', modifier: 'identifier', values: [{ raw: 'http://x|9' }] },
    ]);
  });

  test('chains name their target types; untyped chains keep the targets that have the next parameter', () => {
    const typed = parseSearchQuery('Observation', q('subject:Patient.name=peter'));
    expect(typed.filters[0]).toEqual({
      kind: 'chain', code: 'subject', targetTypes: ['Patient'],
      next: { kind: 'param', code: 'name', type: 'string', values: [{ raw: 'peter' }] },
    });
    const untyped = parseSearchQuery('Observation', q('subject.birthdate=2000'));
    expect(untyped.filters[0]).toMatchObject({ kind: 'chain', targetTypes: ['Patient'] });
    const deep = parseSearchQuery('Observation', q('encounter.service-provider.partof.name=x'));
    expect(deep.filters[0]).toMatchObject({ kind: 'chain', next: { kind: 'chain', next: { kind: 'chain', next: { code: 'name' } } } });
    const tooDeep = parseSearchQuery('Observation', q('encounter.service-provider.partof.partof.name=x'));
    expect(tooDeep.unknown).toEqual(['encounter.service-provider.partof.partof.name']);
  });

  test('_has, nested', () => {
    const request = parseSearchQuery('Patient', q('_has:Observation:patient:_has:DiagnosticReport:result:status=final'));
    expect(request.filters[0]).toEqual({
      kind: 'has', sourceType: 'Observation', referenceParam: 'patient',
      next: { kind: 'has', sourceType: 'DiagnosticReport', referenceParam: 'result', next: { kind: 'param', code: 'status', type: 'token', values: [{ raw: 'final' }] } },
    });
    expect(parseSearchQuery('Patient', q('_has:Observation:performer:code=x')).unknown).toEqual([]);
    expect(parseSearchQuery('Patient', q('_has:Observation:encounter:code=x')).unknown).toEqual(['_has:Observation:encounter:code']);
  });

  test('unknown and unsupported parameters are collected with a reason and left out of the applied list', () => {
    const request = parseSearchQuery('Patient', q('name=x&shoe-size=9&name:sounds-like=y&_text=z&_offset=10&_count=5'));
    expect(request.unknown).toEqual(['shoe-size', 'name:sounds-like', '_text', '_offset']);
    expect(request.unknownReasons['shoe-size']).toMatch(/unknown search parameter/);
    expect(request.applied).toEqual([['name', 'x'], ['_count', '5']]);
  });

  test('malformed values of known parameters are 400s', () => {
    expect(() => parseSearchQuery('Patient', q('birthdate=2020-02-30'))).toThrow(/Invalid date/);
    expect(() => parseSearchQuery('Observation', q('value-quantity=abc'))).toThrow(/Invalid quantity/);
    expect(() => parseSearchQuery('Patient', q('name:missing=maybe'))).toThrow(/true or false/);
    expect(() => parseSearchQuery('Patient', q('_count=-1'))).toThrow(/_count/);
    expect(() => parseSearchQuery('Patient', q('_total=some'))).toThrow(/_total/);
  });
});

describe('result parameters', () => {
  test('_count is capped at the maximum with a note', () => {
    const request = parseSearchQuery('Patient', q('_count=5000'));
    expect(request.count).toBe(1000);
    expect(request.notes[0]).toMatch(/lowered/);
  });

  test('_sort keys, _include/_revinclude with :iterate and wildcards', () => {
    const request = parseSearchQuery('Observation', q('_sort=-date,_id&_include=Observation:subject:Patient&_include:iterate=Patient:general-practitioner&_revinclude=Provenance:target&_include=*'));
    expect(request.sort).toEqual([{ code: 'date', descending: true }, { code: '_id', descending: false }]);
    expect(request.include).toEqual([
      { sourceType: 'Observation', param: 'subject', targetType: 'Patient', iterate: false },
      { sourceType: '*', param: '*', iterate: false },
      { sourceType: 'Patient', param: 'general-practitioner', iterate: true },
    ]);
    expect(request.revinclude).toEqual([{ sourceType: 'Provenance', param: 'target', iterate: false }]);
    expect(parseSearchQuery('Observation', q('_include=Observation:status')).unknown).toEqual(['_include']);
    expect(parseSearchQuery('Observation', q('_sort=nonsense')).unknown).toEqual(['_sort']);
  });

  test('system search: _type lists the types; filters must exist on all of them', () => {
    const request = parseSearchQuery('', q('_type=Patient,Practitioner&name=x&gender=female&birthdate=2000'), { system: true });
    expect(request.types).toEqual(['Patient', 'Practitioner']);
    expect(request.filters.map((f) => f.kind === 'param' && f.code)).toEqual(['name', 'gender']);
    expect(request.unknown).toEqual(['birthdate']);
    const narrow = parseSearchQuery('', q('_type=Patient,Organization&gender=female'), { system: true });
    expect(narrow.unknown).toEqual(['gender']);
    expect(() => parseSearchQuery('', q('_type=Spaceship'), { system: true })).toThrow(/Spaceship/);
  });
});
