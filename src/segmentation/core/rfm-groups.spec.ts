import {
  assignGroup,
  fitRfmGroups,
  GROUP_PROTOTYPES,
  nameClusters,
  RFM_GROUP_KEYS,
  RFM_GROUPS,
  type RfmGroupModel,
  type RfmPoint,
} from './rfm-groups';

/** Five customers around each prototype: the centre and four nearby points, all distinct. */
function blobsAroundPrototypes(): { point: RfmPoint; group: (typeof RFM_GROUP_KEYS)[number] }[] {
  const offsets: RfmPoint[] = [
    [0, 0, 0],
    [0.03, -0.02, 0.01],
    [-0.02, 0.03, -0.01],
    [0.01, 0.01, -0.03],
    [-0.03, -0.01, 0.02],
  ];
  return RFM_GROUP_KEYS.flatMap((group) =>
    offsets.map((offset) => ({
      group,
      point: GROUP_PROTOTYPES[group].map((value, d) => value + offset[d]) as RfmPoint,
    })),
  );
}

/** A fixed shuffle (Fisher-Yates with a small linear congruential generator), for order-independence tests. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

describe('RFM_GROUPS', () => {
  it('lists the six groups of the design, in order, with their names', () => {
    expect(RFM_GROUPS.map((group) => [group.key, group.name])).toEqual([
      ['new', 'New'],
      ['about_to_sleep', 'About to Sleep'],
      ['sleepers', 'Sleepers'],
      ['potential_loyal', 'Potential Loyal'],
      ['loyal', 'Loyal'],
      ['loyal_at_risk', 'Loyal at Risk'],
    ]);
    expect(RFM_GROUPS.find((group) => group.key === 'loyal_at_risk')?.description).toBe('were loyal, stopped ordering');
  });
});

describe('nameClusters: the optimal assignment of centres to prototypes', () => {
  it('names the prototypes themselves after their own group, in any order', () => {
    const keys = shuffled([...RFM_GROUP_KEYS], 7);
    expect(nameClusters(keys.map((key) => [...GROUP_PROTOTYPES[key]] as RfmPoint))).toEqual(keys);
  });

  it('gives the second of two loyal-looking centres the next best name instead of both being Loyal', () => {
    // Both are nearest to the Loyal prototype; the assignment keeps Loyal for the closer one.
    expect(
      nameClusters([
        [0.75, 0.8, 0.8],
        [0.8, 0.9, 0.9],
      ]),
    ).toEqual(['potential_loyal', 'loyal']);
  });

  it('names fewer than six centres with the best-fitting subset of names', () => {
    expect(
      nameClusters([
        [0.9, 0.3, 0.3],
        [0.25, 0.75, 0.7],
      ]),
    ).toEqual(['new', 'loyal_at_risk']);
  });

  it('breaks ties by the first mapping in order: identical centres take names in RFM_GROUPS order', () => {
    // (0.5, 0.5, 0.5) is closest to Potential Loyal (0.0725), then About to Sleep (0.1025).
    expect(
      nameClusters([
        [0.5, 0.5, 0.5],
        [0.5, 0.5, 0.5],
      ]),
    ).toEqual(['about_to_sleep', 'potential_loyal']);
  });

  it('refuses more than six centres', () => {
    expect(() => nameClusters(new Array<RfmPoint>(7).fill([0.5, 0.5, 0.5]))).toThrow(RangeError);
  });
});

describe('fitRfmGroups', () => {
  it('finds six blobs placed around the prototypes and names each after its prototype', () => {
    const customers = blobsAroundPrototypes();
    const model = fitRfmGroups(customers.map((customer) => customer.point));
    expect(model.centres.map((entry) => [entry.group, entry.size])).toEqual(RFM_GROUP_KEYS.map((key) => [key, 5]));
    expect(model.seed).toBe(42);
    for (const customer of customers) expect(assignGroup(model, customer.point)).toBe(customer.group);
  });

  it('gives the same model for the same points and seed', () => {
    const points = blobsAroundPrototypes().map((customer) => customer.point);
    expect(fitRfmGroups(points, { seed: 7 })).toEqual(fitRfmGroups(points, { seed: 7 }));
  });

  it('gives the same model whatever order the customers come in', () => {
    const points = blobsAroundPrototypes().map((customer) => customer.point);
    const model = fitRfmGroups(points);
    for (const seed of [1, 2, 3]) expect(fitRfmGroups(shuffled(points, seed))).toEqual(model);
  });

  it('keeps the restart with the lowest inertia, so more restarts never fit worse', () => {
    const points = blobsAroundPrototypes().map((customer) => customer.point);
    const once = fitRfmGroups(points, { seed: 3, restarts: 1 });
    const fiveTimes = fitRfmGroups(points, { seed: 3, restarts: 5 });
    expect(fiveTimes.inertia).toBeLessThanOrEqual(once.inertia);
  });

  it('uses as many clusters as there are distinct points when there are fewer than six', () => {
    const model = fitRfmGroups([
      [0.9, 0.3, 0.3],
      [0.9, 0.3, 0.3],
      [0.2, 0.8, 0.8],
      [0.2, 0.8, 0.8],
    ]);
    expect(model.centres).toEqual([
      { group: 'new', centre: [0.9, 0.3, 0.3], size: 2 },
      { group: 'loyal_at_risk', centre: [0.2, 0.8, 0.8], size: 2 },
    ]);
    expect(model.inertia).toBe(0);
  });

  it('fits an empty store to an empty model, which cannot assign anyone', () => {
    const model = fitRfmGroups([]);
    expect(model).toEqual({ centres: [], seed: 42, inertia: 0, iterations: 0 });
    expect(() => assignGroup(model, [0.5, 0.5, 0.5])).toThrow(/no centres/);
  });

  it('refuses points that are not three finite numbers', () => {
    expect(() => fitRfmGroups([[0.5, Number.NaN, 0.5]])).toThrow(RangeError);
  });
});

describe('assignGroup', () => {
  const model: RfmGroupModel = {
    centres: [
      { group: 'new', centre: [0.75, 0.25, 0.25], size: 1 },
      { group: 'sleepers', centre: [0.25, 0.25, 0.25], size: 1 },
    ],
    seed: 42,
    inertia: 0,
    iterations: 1,
  };

  it('assigns a customer to the nearest centre', () => {
    expect(assignGroup(model, [0.3, 0.4, 0.2])).toBe('sleepers');
    expect(assignGroup(model, [0.7, 0.2, 0.4])).toBe('new');
  });

  it('breaks an exact tie (halfway, in exactly representable numbers) in favour of the earlier centre', () => {
    expect(assignGroup(model, [0.5, 0.25, 0.25])).toBe('new');
  });
});
