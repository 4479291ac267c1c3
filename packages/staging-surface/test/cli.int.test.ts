import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES, ValidationError } from '@birth-lane/contract';
import { defaultRuleSet } from '@birth-lane/inspect-producer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stagingCommand } from '../src/cli/staging-command.js';
import { captured, hostOn } from './host.js';
import { goodRow, jsonl, refusal, useStagingDatabase } from './support.js';

const t = useStagingDatabase();
let dir: string;
const staging = (...args: string[]) =>
  captured(() => stagingCommand(hostOn(t.db)).exitOverride().parseAsync(args, { from: 'user' }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'staging-cli-'));
  await writeFile(join(dir, 'rows.jsonl'), jsonl([goodRow(1), goodRow(2, { entity_code: null })]));
  await writeFile(join(dir, 'rules.json'), JSON.stringify(defaultRuleSet));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  process.exitCode = undefined;
});

describe('birth-lane staging', () => {
  it('create → run → report → list → drop, each with --json', async () => {
    const created = JSON.parse(
      (
        await staging(
          'create',
          '--fixtures',
          join(dir, 'rows.jsonl'),
          '--keep-bad-rows',
          '--rule-set',
          join(dir, 'rules.json'),
          '--ttl',
          '90m',
          '--json',
        )
      ).stdout,
    ) as { surfaceId: string; loaded: number; manifest: { source: string; ruleSetVersion: string } };
    expect(process.exitCode).toBe(EXIT_CODES.completed);
    expect(created).toMatchObject({
      loaded: 2,
      manifest: { source: 'fixtures:rows.jsonl', ruleSetVersion: '1.0.0' },
    });

    const run = JSON.parse((await staging('run', created.surfaceId, '--json')).stdout) as {
      passed: unknown;
      failed: unknown;
    };
    expect(run).toMatchObject({
      passed: { pen: 1, stamp: 1, gate: 1 },
      failed: { pen: 1, stamp: 0, gate: 0 },
    });

    const report = JSON.parse((await staging('report', created.surfaceId, '--json')).stdout) as {
      failures: { checkId: string }[];
    };
    expect(report.failures.map((failure) => failure.checkId)).toEqual([
      'pen.entity_code.required',
      'pen.entity_code.shape',
    ]);

    const listed = JSON.parse((await staging('list', '--json')).stdout) as {
      surfaces: { manifest: { id: string } }[];
    };
    expect(listed.surfaces.map((each) => each.manifest.id)).toContain(created.surfaceId);

    const human = await staging('drop', created.surfaceId);
    expect(human.stdout).toContain(`dropped staging surface ${created.surfaceId}`);
    expect(process.exitCode).toBe(EXIT_CODES.completed);
  });

  it('an unresolved rule set exits 2 (source recovery required) and names why', async () => {
    const { stderr } = await staging('create', '--fixtures', join(dir, 'rows.jsonl'), '--keep-bad-rows');
    expect(process.exitCode).toBe(EXIT_CODES.source_recovery_required);
    expect(stderr).toContain('SR-8');
  });

  it('a bad --ttl is refused naming --ttl, before anything is opened', async () => {
    const error = await refusal(staging('create', '--sample', '5', '--ttl', '2w'));
    expect(ValidationError.isInstance(error) && error.subject).toBe('--ttl');
  });

  it('needs exactly one of --sample and --fixtures', async () => {
    expect((await refusal(staging('create'))).message).toContain(
      'exactly one of --sample N or --fixtures FILE',
    );
  });
});
