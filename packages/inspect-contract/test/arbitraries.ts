import type { StampSlots } from '@birth-lane/contract';
import fc from 'fast-check';

const BASE = Date.UTC(2025, 0, 1);

/**
 * Instants at millisecond precision, so they survive the trip to timestamptz and back. Most come
 * from a pool of four, so equal stamps and every order between them turn up often; the rest are
 * anywhere in two centuries.
 */
export const instant: fc.Arbitrary<Date> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }).map((step) => new Date(BASE + step * 1000)) },
  {
    weight: 1,
    arbitrary: fc.date({
      min: new Date('1950-01-01T00:00:00Z'),
      max: new Date('2150-01-01T00:00:00Z'),
      noInvalidDate: true,
    }),
  },
);

/** One slot: NULL about a third of the time, else an instant. */
export const slot: fc.Arbitrary<Date | null> = fc.option(instant, { nil: null, freq: 3 });

export const stampSlots: fc.Arbitrary<StampSlots> = fc.record({
  inspect_pen: slot,
  inspect_stamp: slot,
  inspect_gate: slot,
});

/** A slot as a timestamptz array element. */
export const asParameter = (value: Date | null): string | null =>
  value === null ? null : value.toISOString();

export const show = (slots: StampSlots): string =>
  [slots.inspect_pen, slots.inspect_stamp, slots.inspect_gate]
    .map((value) => value?.toISOString() ?? 'NULL')
    .join(', ');
