import type { Database, ProducerRunner } from '@birth-lane/contract';
import { type ProducerTuning, runProducer } from './run/run-producer.js';

/** The producer behind the contract's ProducerRunner port: what every channel calls. */
export function createProducer(db: Database, tuning: ProducerTuning = {}): ProducerRunner {
  return {
    specificationVersion: 'v1',
    run: (options) => runProducer(db, { ...tuning, ...options }),
  };
}
