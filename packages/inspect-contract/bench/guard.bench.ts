import { contractSteps } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, bench, describe } from 'vitest';
import { inspectContractSteps } from '../src/index.js';

// What the guard adds to a backlog batch: one UPDATE stamping PEN on ROWS rows, with the trigger
// and with it disabled, each inside a transaction that is rolled back so every iteration starts
// from the same unstamped rows.
const ROWS = 20_000;

const t = useTestDatabase({
  setupSql: [...contractSteps, ...inspectContractSteps].map((step) => step.mutation),
});

beforeAll(async () => {
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name)
     select 'BENCH-' || n, 'animals' from generate_series(1, $1::int) n`,
    [ROWS],
  );
  await t.db.pool.query('vacuum analyze public.birth_registry');
});

async function stampPen(guarded: boolean): Promise<void> {
  const client = await t.db.pool.connect();
  try {
    await client.query('begin');
    if (!guarded)
      await client.query('alter table public.birth_registry disable trigger trg_birth_inspect_stud');
    await client.query('update public.birth_registry set inspect_pen = now() where inspect_pen is null');
    await client.query('rollback');
  } finally {
    client.release();
  }
}

describe(`stamp PEN on ${ROWS} rows in one UPDATE`, () => {
  bench('with trg_birth_inspect_stud', () => stampPen(true), { iterations: 10, warmupIterations: 2 });
  bench('without the trigger (baseline)', () => stampPen(false), { iterations: 10, warmupIterations: 2 });
});
