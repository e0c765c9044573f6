import type { RfmGroupKey } from './rfm-groups';
import { diffMemberships, emptyTransitionMatrix } from './transitions';

describe('diffMemberships', () => {
  const lastNight = new Map<string, RfmGroupKey>([
    ['ann', 'new'],
    ['ben', 'loyal'],
    ['cat', 'loyal'],
    ['dan', 'sleepers'],
  ]);
  const tonight: { customerId: string; group: RfmGroupKey }[] = [
    { customerId: 'eve', group: 'new' }, // first order today
    { customerId: 'ann', group: 'about_to_sleep' }, // did not come back
    { customerId: 'cat', group: 'loyal_at_risk' }, // stopped ordering
    { customerId: 'ben', group: 'loyal' }, // unchanged
    // dan is gone (his only order fell out of the window)
  ];

  it('lists who entered a group, from where, sorted by customer id; stayers are not listed', () => {
    expect(diffMemberships(lastNight, tonight).entered).toEqual([
      { customerId: 'ann', from: 'new', to: 'about_to_sleep' },
      { customerId: 'cat', from: 'loyal', to: 'loyal_at_risk' },
      { customerId: 'eve', from: null, to: 'new' },
    ]);
  });

  it('lists who left every group', () => {
    expect(diffMemberships(lastNight, tonight).left).toEqual([{ customerId: 'dan', from: 'sleepers' }]);
  });

  it('counts everyone of either run in the from → to matrix, with none for "not in that run"', () => {
    const expected = emptyTransitionMatrix();
    expected.new.about_to_sleep = 1;
    expected.loyal.loyal_at_risk = 1;
    expected.loyal.loyal = 1;
    expected.none.new = 1;
    expected.sleepers.none = 1;
    expect(diffMemberships(lastNight, tonight).matrix).toEqual(expected);
  });

  it('has all 7 × 7 cells, all zero, when both runs are empty', () => {
    const { entered, left, matrix } = diffMemberships([], new Map());
    expect([entered, left]).toEqual([[], []]);
    expect(Object.keys(matrix)).toEqual(['new', 'about_to_sleep', 'sleepers', 'potential_loyal', 'loyal', 'loyal_at_risk', 'none']);
    expect(Object.values(matrix).flatMap((row) => Object.values(row))).toEqual(new Array(49).fill(0));
  });

  it('treats everyone as entering from nowhere on the first run', () => {
    const { entered, matrix } = diffMemberships([], tonight);
    expect(entered.map((change) => [change.customerId, change.from, change.to])).toEqual([
      ['ann', null, 'about_to_sleep'],
      ['ben', null, 'loyal'],
      ['cat', null, 'loyal_at_risk'],
      ['eve', null, 'new'],
    ]);
    expect(matrix.none.loyal).toBe(1);
  });

  it('refuses a run that lists a customer twice', () => {
    const twice = [...tonight, { customerId: 'ben', group: 'new' as const }];
    expect(() => diffMemberships(lastNight, twice)).toThrow('Customer ben appears twice in the current memberships');
  });
});
