/**
 * The one error → OperationOutcome mapper: database faults are 503 `transient` with Retry-After (a client retries),
 * never a 500, and no internal text reaches the client.
 */
import { mapError } from '../../server/src/http/error-mapper';

const pgError = (code: string, message = 'internal detail') => Object.assign(new Error(message), { code });

test.each([
  ['57P01 admin shutdown', pgError('57P01')],
  ['57P03 starting up', pgError('57P03')],
  ['08006 connection failure', pgError('08006')],
  ['53300 too many connections', pgError('53300')],
  ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
  ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
  ['pool exhausted', new Error('timeout exceeded when trying to connect')],
  ['terminated mid-query', new Error('Connection terminated unexpectedly')],
  ['frozen (store/db-watchdog.ts)', new Error('Connection terminated: the database is not answering')],
])('%s is a 503 with Retry-After', (_name, err) => {
  const mapped = mapError(err, 'req-1');
  expect(mapped.status).toBe(503);
  expect(mapped.headers['Retry-After']).toBeDefined();
  expect(mapped.outcome.issue[0].code).toBe('transient');
  expect(JSON.stringify(mapped.outcome)).not.toMatch(/internal detail|ECONN|127\.0\.0\.1/);
});

test('an unknown error is a 500 carrying only the request id', () => {
  const mapped = mapError(new Error('secret stack detail'), 'req-2');
  expect(mapped.status).toBe(500);
  expect(mapped.internal).toBe(true);
  expect(JSON.stringify(mapped.outcome)).not.toContain('secret');
  expect(JSON.stringify(mapped.outcome)).toContain('req-2');
});

test('a router that cannot decode a path is a 400; too many form parameters a 413 naming the limit', () => {
  const uri = Object.assign(new URIError("Failed to decode param '%zz'"), { status: 400 });
  expect([mapError(uri, 'r').status, mapError(uri, 'r').internal]).toEqual([400, false]);
  const many = Object.assign(new Error('too many parameters'), { status: 413, expose: true, type: 'parameters.too.many' });
  expect(mapError(many, 'r').status).toBe(413);
  expect(mapError(many, 'r').outcome.issue[0].diagnostics).toMatch(/1,000/);
});
