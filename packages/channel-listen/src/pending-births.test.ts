import { describe, expect, it } from 'vitest';
import { PendingBirths } from './pending-births.js';

describe('PendingBirths', () => {
  it('owes nothing until a birth is announced or a catch-up requested', () => {
    const pending = new PendingBirths();
    expect(pending.isEmpty).toBe(true);
    expect(pending.take()).toBeNull();
  });

  it('folds announcements in any order into one min..max range, and take() empties it', () => {
    const pending = new PendingBirths();
    for (const id of [42n, 7n, 9_007_199_254_740_993n, 8n]) pending.add(id);
    expect(pending.take()).toEqual({ kind: 'range', idFrom: 7n, idTo: 9_007_199_254_740_993n, births: 4 });
    expect(pending.isEmpty).toBe(true);
    expect(pending.take()).toBeNull();
  });

  it('lets a catch-up absorb the pending range, since it covers every uncertified row', () => {
    const pending = new PendingBirths();
    pending.add(5n);
    pending.requestCatchUp();
    pending.add(6n);
    expect(pending.take()).toEqual({ kind: 'catch-up' });
    expect(pending.take()).toBeNull();
  });

  it('restores the work of a run that did not complete, merged with what arrived since', () => {
    const pending = new PendingBirths();
    pending.add(10n);
    pending.add(12n);
    const work = pending.take()!;
    pending.add(20n);
    pending.restore(work);
    expect(pending.take()).toEqual({ kind: 'range', idFrom: 10n, idTo: 20n, births: 3 });

    pending.requestCatchUp();
    const catchUp = pending.take()!;
    pending.restore(catchUp);
    expect(pending.take()).toEqual({ kind: 'catch-up' });
  });

  it('restores a single-birth range as one birth', () => {
    const pending = new PendingBirths();
    pending.add(3n);
    const work = pending.take()!;
    pending.restore(work);
    expect(pending.take()).toEqual({ kind: 'range', idFrom: 3n, idTo: 3n, births: 1 });
  });
});
