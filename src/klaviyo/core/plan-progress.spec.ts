import { compareAddKeys, PlanProgress } from './plan-progress';

describe('PlanProgress: which sets of lists no part of the plan can still hand over', () => {
  it('a key is settled once every part is past it or finished', () => {
    const progress = new PlanProgress(2);
    expect(progress.settled('rfm:loyal')).toBe(false);

    progress.reached(0, 'rfm:new');
    expect(progress.settled('rfm:loyal')).toBe(false); // part 1 has not started

    progress.reached(1, 'rfm:loyal');
    expect(progress.settled('rfm:loyal')).toBe(false); // part 1 may have more rows of it
    expect(progress.settled('rfm:about_to_sleep')).toBe(true);

    progress.reached(1, 'rfm:loyal,vip:gold');
    expect(progress.settled('rfm:loyal')).toBe(true);
    expect(progress.settled('rfm:new')).toBe(false); // part 0 is still on it

    progress.finish(0);
    expect(progress.settled('rfm:new')).toBe(false); // part 1 may still reach it
    progress.finish(1);
    expect(progress.settled('rfm:new')).toBe(true);
    expect(progress.settled('vip:platinum')).toBe(true);
  });

  it('the empty key (no list to join) comes first', () => {
    const progress = new PlanProgress(1);
    progress.reached(0, '');
    expect(progress.settled('')).toBe(false);
    progress.reached(0, 'rfm:new');
    expect(progress.settled('')).toBe(true);
  });

  it('compares keys as PostgreSQL sorts them with COLLATE "C": by bytes, punctuation included', () => {
    const keys = ['vip:gold', 'rfm:loyal_at_risk', 'rfm:loyal,vip:gold', 'rfm:loyal', '', 'segment:été', 'segment:zz', 'segment:\u{1F600}', 'segment:\uFB01'];
    expect([...keys].sort(compareAddKeys)).toEqual([
      '',
      'rfm:loyal',
      'rfm:loyal,vip:gold',
      'rfm:loyal_at_risk',
      'segment:zz',
      'segment:été',
      'segment:\uFB01',
      'segment:\u{1F600}', // UTF-16 would put the surrogate pair before U+FB01; UTF-8 bytes put it after
      'vip:gold',
    ]);
  });
});
