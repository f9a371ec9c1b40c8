import { computeGoalAttainmentRate, computeSatisfactionRate, scoreMhsipDomains } from '../../server/src/domain/engagement-measures';

const answers = (...pairs: [number, number][]) => new Map(pairs);

test('MHSIP domains are the mean of answered items, scored only with two thirds answered', () => {
  const scores = scoreMhsipDomains(answers([1, 1], [2, 2], [3, 2], [4, 5], [21, 1]));
  expect(scores['general-satisfaction']).toBeCloseTo(5 / 3);
  expect(scores.access).toBeNull(); // 1 of 6 items
  expect(scores.outcomes).toBeNull();
  expect(scoreMhsipDomains(answers([1, 3], [2, 3]))['general-satisfaction']).toBe(3);
  expect(scoreMhsipDomains(answers([1, 3]))['general-satisfaction']).toBeNull();
});

test('satisfaction counts the latest survey per episode in the period, positive below 2.5', () => {
  const rate = computeSatisfactionRate([
    { episodeId: 'a', authored: '2026-03-02', answers: answers([1, 4], [2, 4], [3, 4]) },
    { episodeId: 'a', authored: '2026-03-20', answers: answers([1, 1], [2, 2], [3, 2]) },
    { episodeId: 'b', authored: '2026-03-10', answers: answers([1, 3], [2, 3], [3, 2]) },
    { episodeId: 'c', authored: '2026-04-02', answers: answers([1, 1], [2, 1], [3, 1]) },
    { episodeId: 'd', authored: '2026-03-11', answers: answers([4, 1]) },
  ], '2026-03-01', '2026-03-31');
  expect(rate).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
});

test('goal attainment: goals achieved of goals due in the period, by target date or the episode\'s end', () => {
  const rate = computeGoalAttainmentRate([
    { due: '2026-03-15', achieved: true },
    { due: '2026-03-20', achieved: false },
    { due: '2026-05-01', episodeEnd: '2026-03-10', achieved: true },
    { due: '2026-05-01', achieved: true },
    { achieved: false },
  ], '2026-03-01', '2026-03-31');
  expect(rate).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
  expect(computeGoalAttainmentRate([], '2026-03-01', '2026-03-31').rate).toBeNull();
});
