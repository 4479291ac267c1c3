import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { approvalRequestInputSchema, voteInputSchema } from './approval.js';
import { ValidationError } from './errors.js';
import { evidenceRecordSchema } from './evidence.js';
import { gateModeSchema, gateReadingSchema } from './gate-mode.js';
import { heartbeatSchema } from './heartbeat.js';
import { inspectClassificationSchema, inspectStageSchema, inspectStateSchema } from './inspect.js';
import { parseOrThrow } from './parse.js';
import { productionSnapshotSchema, proofReportSchema } from './proof.js';
import { birthInputSchema, birthRowSchema } from './registry-row.js';
import { ruleSetSchema } from './rule-set.js';
import { runReportSchema } from './run-report.js';
import { stampMappingSchema } from './stamp-mapping.js';
import { stageVerdictSchema } from './verdict.js';

/** One schema's table: inputs it must accept, and inputs it must refuse naming `field` (and `rule` when given). */
interface SchemaTable {
  readonly name: string;
  readonly schema: z.ZodType;
  readonly good: readonly unknown[];
  readonly bad: readonly { readonly input: unknown; readonly field: string; readonly rule?: string }[];
}

const HASH = 'c'.repeat(64);
const runId = randomUUID();
const birth = { entity_code: 'ENT-001', collection_name: 'species', dot_origin: 'dot://origin/1' };
const ruleSet = {
  version: '1.0.0',
  stages: {
    pen: [{ id: 'pen.code', kind: 'required', field: 'entity_code' }],
    stamp: [{ id: 'stamp.name', kind: 'length', field: 'name', min: 1, max: 200 }],
    gate: [{ id: 'gate.fit', kind: 'species_fit', allowed: { species: ['SP-1'] } }],
  },
};
const report = {
  runId,
  ruleSetVersion: '1.0.0',
  ruleSetHash: HASH,
  channel: 'once',
  outcome: 'completed',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:00:05Z',
  scanned: 10,
  passed: { pen: 9, stamp: 8, gate: 7 },
  failed: { pen: 1, stamp: 1, gate: 1 },
  skipped: 0,
  ambiguous: 0,
};
const row = {
  id: '1',
  entity_code: 'ENT-001',
  collection_name: 'species',
  species_code: null,
  dot_origin: 'x',
  governance_role: 'governed',
  born_at: new Date(),
  name: null,
  description: null,
  status: null,
  inspect_pen: null,
  inspect_stamp: null,
  inspect_gate: null,
  certified: false,
  certified_at: null,
  canonical_address: null,
  owner: null,
  jsonb_profile: null,
};
const BEFORE_ID = '0b7c3b8e-5a4e-4a7e-9d1c-1f2e3d4c5b6a';
const snapshot = {
  format: 'birth-lane.production-snapshot',
  version: 2,
  snapshotId: BEFORE_ID,
  salt: '6004799503160661',
  transactionSnapshot: '750:750:',
  since: null,
  takenAt: '2026-01-01T00:00:00Z',
  takenBy: 'birth_lane_reader',
  database: 'registry',
  serverVersion: '15.20',
  table: 'public.birth_registry',
  seconds: 0.5,
  rowCount: 3,
  maxId: '3',
  stampCounts: { pen: 1, stamp: 1, gate: 0 },
  stampChecksums: { pen: 'e'.repeat(64), stamp: 'e'.repeat(64), gate: 'e'.repeat(64) },
  certifiedCount: 0,
  certifiedAtCount: 0,
  certifiedChecksum: 'f'.repeat(64),
  canonicalChecksum: 'a'.repeat(64),
  identityChecksum: 'd'.repeat(64),
  kgTableCounts: { universal_edges: null },
  writeCounters: {
    tables: { 'public.birth_registry': { inserted: 3, updated: 0, deleted: 0 } },
    xactCommit: 10,
    note: 'n',
  },
};
const snapshotFile = {
  ...snapshot,
  recentVersions: { complete: true, keys: ['3:748'] },
  buckets: {
    size: 1024,
    groups: ['pen', 'stamp', 'gate', 'certified', 'canonical', 'identity'],
    entries: [['0', '3', '1', '1', '0', '0', '0', '1', '-2', '3', '4', '5', '6', '-7']],
  },
};
const claims = ['NT-1', 'NT-2', 'NT-3', 'NT-4', 'NT-5', 'NT-6', 'NT-7', 'NT-8'].map((id) => ({
  id,
  holds: true,
  before: { n: 1 },
  after: { n: 1 },
  detail: 'identical',
}));
/** The "after" of a PASS: its own id, the before's salt, and nothing written since the before. */
const afterSnapshot = {
  ...snapshot,
  snapshotId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f',
  transactionSnapshot: '756:757:',
  since: {
    snapshotId: BEFORE_ID,
    transactionSnapshot: '750:750:',
    writtenRows: 0,
    writtenIds: [],
    pendingWriters: 0,
  },
};
const proof = {
  rehearsalId: 'r1',
  verdict: 'PASS',
  claims,
  before: snapshot,
  after: afterSnapshot,
  stagingEvidence: { candidates: 3 },
};
const failedNt3 = claims.map((claim) =>
  claim.id === 'NT-3' ? { ...claim, holds: false, failCondition: 'F-OPEN-3' } : claim,
);

const TABLES: readonly SchemaTable[] = [
  {
    name: 'birth input',
    schema: birthInputSchema,
    good: [
      birth,
      {
        ...birth,
        governance_role: 'observed',
        species_code: 'SP-1',
        born_at: '2026-01-01T00:00:00Z',
        name: 'n',
      },
    ],
    bad: [
      { input: { ...birth, entity_code: undefined }, field: 'entity_code', rule: 'required' },
      { input: { ...birth, entity_code: 'ent-001' }, field: 'entity_code', rule: 'pattern' },
      { input: { ...birth, entity_code: 'ENT-01' }, field: 'entity_code', rule: 'pattern' },
      { input: { ...birth, collection_name: undefined }, field: 'collection_name', rule: 'required' },
      { input: { ...birth, collection_name: '   ' }, field: 'collection_name', rule: 'min' },
      { input: { ...birth, dot_origin: undefined }, field: 'dot_origin', rule: 'required' },
      { input: { ...birth, governance_role: 'kernel' }, field: 'governance_role', rule: 'one_of' },
      { input: { ...birth, born_at: 'yesterday' }, field: 'born_at' },
      { input: { ...birth, certified: true }, field: '(input)', rule: 'unknown_key' },
      { input: { ...birth, inspect_pen: '2026-01-01T00:00:00Z' }, field: '(input)', rule: 'unknown_key' },
    ],
  },
  {
    name: 'registry row',
    schema: birthRowSchema,
    good: [row, { ...row, id: 42, inspect_pen: new Date(), certified: true, certified_at: new Date() }],
    bad: [
      { input: { ...row, id: '0' }, field: 'id' },
      { input: { ...row, governance_role: 'other' }, field: 'governance_role', rule: 'one_of' },
      { input: { ...row, certified: 'yes' }, field: 'certified', rule: 'type' },
      { input: { ...row, inspect_gate: '2026' }, field: 'inspect_gate', rule: 'type' },
    ],
  },
  {
    name: 'inspect stage, state and classification',
    schema: inspectClassificationSchema,
    good: [
      { state: 'partial', reason: 'pen_only', nextStage: 'stamp' },
      { state: 'complete', reason: 'all_stamps', nextStage: null },
    ],
    bad: [
      { input: { state: 'done', reason: 'x', nextStage: null }, field: 'state', rule: 'one_of' },
      { input: { state: 'none', reason: '', nextStage: 'pen' }, field: 'reason', rule: 'min' },
      {
        input: { state: 'none', reason: 'no_stamps', nextStage: 'certify' },
        field: 'nextStage',
        rule: 'one_of',
      },
    ],
  },
  {
    name: 'rule set',
    schema: ruleSetSchema,
    good: [ruleSet, { ...ruleSet, status: 'active', description: 'default' }],
    bad: [
      { input: { ...ruleSet, version: 'v1' }, field: 'version', rule: 'pattern' },
      { input: { ...ruleSet, status: 'live' }, field: 'status', rule: 'one_of' },
      { input: { ...ruleSet, stages: { ...ruleSet.stages, pen: [] } }, field: 'stages.pen', rule: 'min' },
      {
        input: { ...ruleSet, stages: { ...ruleSet.stages, stamp: ruleSet.stages.pen } },
        field: 'stages.stamp.0.id',
        rule: 'unique',
      },
      {
        input: {
          ...ruleSet,
          stages: {
            ...ruleSet.stages,
            pen: [{ id: 'pen.x', kind: 'pattern', field: 'entity_code', pattern: '(?<=A)B' }],
          },
        },
        field: 'stages.pen.0.pattern',
        rule: 'portable_regex',
      },
      {
        input: {
          ...ruleSet,
          stages: {
            ...ruleSet.stages,
            pen: [{ id: 'pen.x', kind: 'pattern', field: 'entity_code', pattern: '([' }],
          },
        },
        field: 'stages.pen.0.pattern',
        rule: 'regex',
      },
      {
        input: {
          ...ruleSet,
          stages: {
            ...ruleSet.stages,
            stamp: [{ id: 'stamp.x', kind: 'length', field: 'name', min: 5, max: 2 }],
          },
        },
        field: 'stages.stamp.0.min',
        rule: 'bounds',
      },
      {
        input: {
          ...ruleSet,
          stages: { ...ruleSet.stages, pen: [{ id: 'pen.x', kind: 'required', field: 'certified' }] },
        },
        field: 'stages.pen.0',
      },
    ],
  },
  {
    name: 'stage verdict',
    schema: stageVerdictSchema,
    good: [
      { stage: 'pen', passed: true, failures: [] },
      { stage: 'gate', passed: false, failures: [{ checkId: 'g', message: 'm' }] },
    ],
    bad: [
      {
        input: { stage: 'pen', passed: true, failures: [{ checkId: 'g', message: 'm' }] },
        field: 'passed',
        rule: 'consistent',
      },
      { input: { stage: 'pen', passed: false, failures: [] }, field: 'passed', rule: 'consistent' },
      { input: { stage: 'certify', passed: true, failures: [] }, field: 'stage', rule: 'one_of' },
    ],
  },
  {
    name: 'run report',
    schema: runReportSchema,
    good: [
      report,
      {
        ...report,
        outcome: 'source_recovery_required',
        ruleSetVersion: null,
        ruleSetHash: null,
        passed: { pen: 0, stamp: 0, gate: 0 },
      },
    ],
    bad: [
      { input: { ...report, runId: 'run-1' }, field: 'runId' },
      { input: { ...report, endedAt: '2025-12-31T00:00:00Z' }, field: 'endedAt', rule: 'order' },
      { input: { ...report, scanned: -1 }, field: 'scanned', rule: 'min' },
      { input: { ...report, channel: 'carrier-pigeon' }, field: 'channel', rule: 'one_of' },
      { input: { ...report, ruleSetHash: null }, field: 'ruleSetHash', rule: 'required' },
      {
        input: { ...report, outcome: 'source_recovery_required', ruleSetHash: null },
        field: 'passed',
        rule: 'fail_closed',
      },
    ],
  },
  {
    name: 'evidence record',
    schema: evidenceRecordSchema,
    good: [
      {
        kind: 'inspection_failure',
        runId,
        rowId: '7',
        entityCode: 'ENT-007',
        stage: 'pen',
        checkId: 'pen.code',
        ruleSetHash: HASH,
        message: 'm',
      },
      { kind: 'run_report', report },
      { kind: 'note', topic: 'install.step', payload: { step: 'contract/0001_registry' } },
    ],
    bad: [
      {
        input: {
          kind: 'inspection_failure',
          runId,
          rowId: '7',
          entityCode: 'E',
          stage: 'pen',
          ruleSetHash: HASH,
          message: 'm',
        },
        field: 'checkId',
        rule: 'required',
      },
      {
        input: {
          kind: 'inspection_failure',
          runId,
          rowId: 'x',
          entityCode: 'E',
          stage: 'pen',
          checkId: 'c',
          ruleSetHash: HASH,
          message: 'm',
        },
        field: 'rowId',
      },
      { input: { kind: 'deletion', rowId: '1' }, field: 'kind' },
      { input: { kind: 'note', topic: 'Bad Topic', payload: {} }, field: 'topic', rule: 'pattern' },
    ],
  },
  {
    name: 'approval request',
    schema: approvalRequestInputSchema,
    good: [
      { action: 'backlog_pass', scope: { idFrom: '1', idTo: '1000' }, risk: 'high', reason: 'clear backlog' },
      { action: 'gate_flip', scope: { mode: 'block' }, risk: 'medium', reason: 'r', expiresInSeconds: 3600 },
    ],
    bad: [
      {
        input: { action: 'everything', scope: { a: 1 }, risk: 'high', reason: 'r' },
        field: 'action',
        rule: 'one_of',
      },
      {
        input: { action: 'gate_flip', scope: {}, risk: 'high', reason: 'r' },
        field: 'scope',
        rule: 'not_blanket',
      },
      {
        input: { action: 'gate_flip', scope: { a: 1 }, risk: 'extreme', reason: 'r' },
        field: 'risk',
        rule: 'one_of',
      },
      {
        input: { action: 'promotion', scope: { a: 1 }, risk: 'medium', reason: 'r' },
        field: 'risk',
        rule: 'minimum_risk',
      },
      // Only invisible characters say nothing (birth_lane.request_approval refuses it too).
      {
        input: { action: 'gate_flip', scope: { a: 1 }, risk: 'high', reason: '\u200b\u2060' },
        field: 'reason',
        rule: 'visible_reason',
      },
      {
        input: {
          action: 'gate_flip',
          scope: { a: 1 },
          risk: 'high',
          reason: 'r',
          expiresInSeconds: 31 * 86_400,
        },
        field: 'expiresInSeconds',
        rule: 'max',
      },
      // The proposer is the login, never a field a client fills in.
      {
        input: { action: 'gate_flip', scope: { a: 1 }, risk: 'high', proposer: 'alice', reason: 'r' },
        field: '(input)',
        rule: 'unknown_key',
      },
    ],
  },
  {
    name: 'vote',
    schema: voteInputSchema,
    good: [
      { requestId: '1', decision: 'approve' },
      { requestId: '1', role: 'ai_council', decision: 'reject', comment: 'no' },
    ],
    bad: [
      { input: { requestId: '1', role: 'king', decision: 'approve' }, field: 'role', rule: 'one_of' },
      { input: { requestId: '1', role: 'president', decision: 'maybe' }, field: 'decision', rule: 'one_of' },
      { input: { role: 'president', decision: 'approve' }, field: 'requestId' },
      // The voter is the login, never a field a client fills in.
      { input: { requestId: '1', voter: 'bob', decision: 'approve' }, field: '(input)', rule: 'unknown_key' },
    ],
  },
  {
    name: 'gate mode and reading',
    schema: gateReadingSchema,
    good: [
      {
        mode: 'warning',
        bypass: false,
        layer: 'database',
        caveat: 'a session may override the persisted setting',
      },
    ],
    bad: [
      {
        input: {
          mode: 'off',
          bypass: false,
          layer: 'database',
          caveat: 'a session may override the persisted setting',
        },
        field: 'mode',
        rule: 'one_of',
      },
      {
        input: {
          mode: 'block',
          bypass: false,
          layer: 'session',
          caveat: 'a session may override the persisted setting',
        },
        field: 'layer',
        rule: 'one_of',
      },
      { input: { mode: 'block', bypass: false, layer: 'database' }, field: 'caveat' },
    ],
  },
  {
    name: 'heartbeat',
    schema: heartbeatSchema,
    good: [
      {
        instanceId: 'host:1:listen',
        channel: 'listen',
        host: 'host',
        pid: 1,
        state: 'idle',
        startedAt: '2026-01-01T00:00:00Z',
        beatAt: '2026-01-01T00:00:05Z',
        lastRunId: null,
      },
    ],
    bad: [
      {
        input: {
          instanceId: 'h',
          channel: 'smoke-signal',
          host: 'h',
          pid: 1,
          state: 'idle',
          startedAt: '2026-01-01T00:00:00Z',
          beatAt: '2026-01-01T00:00:00Z',
          lastRunId: null,
        },
        field: 'channel',
        rule: 'one_of',
      },
      {
        input: {
          instanceId: 'h',
          channel: 'http',
          host: 'h',
          pid: -1,
          state: 'idle',
          startedAt: '2026-01-01T00:00:00Z',
          beatAt: '2026-01-01T00:00:00Z',
          lastRunId: null,
        },
        field: 'pid',
        rule: 'min',
      },
      {
        input: {
          instanceId: 'h',
          channel: 'http',
          host: 'h',
          pid: 1,
          state: 'dead',
          startedAt: '2026-01-01T00:00:00Z',
          beatAt: '2026-01-01T00:00:00Z',
          lastRunId: null,
        },
        field: 'state',
        rule: 'one_of',
      },
    ],
  },
  {
    name: 'stamp mapping',
    schema: stampMappingSchema,
    good: [
      {
        version: '1.0.0',
        mappings: [
          { stamp: 'BIRTH', column: 'born_at' },
          { stamp: 'PROMOTE', column: 'certified_at' },
          { stamp: 'OWNER', column: 'owner' },
        ],
      },
    ],
    bad: [
      {
        input: { version: '1.0.0', mappings: [{ stamp: 'BIRTH', column: 'birth_stamp' }] },
        field: 'mappings.0.column',
        rule: 'one_of',
      },
      {
        input: { version: '1.0.0', mappings: [{ stamp: 'GOV', column: 'inspect_gate' }] },
        field: 'mappings.0.column',
        rule: 'reserved_column',
      },
      {
        input: {
          version: '1.0.0',
          mappings: [
            { stamp: 'OWNER', column: 'owner' },
            { stamp: 'GOV', column: 'owner' },
          ],
        },
        field: 'mappings.1.column',
        rule: 'unique',
      },
      {
        input: { version: '1.0.0', mappings: [{ stamp: 'AUDIT', column: 'owner' }] },
        field: 'mappings.0.stamp',
        rule: 'one_of',
      },
    ],
  },
  {
    name: 'production snapshot',
    schema: productionSnapshotSchema,
    good: [
      snapshotFile,
      { ...snapshotFile, maxId: null, rowCount: 0, buckets: { ...snapshotFile.buckets, entries: [] } },
    ],
    bad: [
      { input: { ...snapshotFile, rowCount: -1 }, field: 'rowCount', rule: 'min' },
      { input: { ...snapshotFile, maxId: '12a' }, field: 'maxId', rule: 'pattern' },
      {
        input: { ...snapshotFile, canonicalChecksum: 'A'.repeat(64) },
        field: 'canonicalChecksum',
        rule: 'pattern',
      },
      { input: { ...snapshotFile, version: 1 }, field: 'version', rule: 'one_of' },
      { input: { ...snapshotFile, takenAt: 'yesterday' }, field: 'takenAt', rule: 'type' },
      { input: { ...snapshotFile, salt: '0' }, field: 'salt', rule: 'pattern' },
      {
        input: { ...snapshotFile, transactionSnapshot: '1:2' },
        field: 'transactionSnapshot',
        rule: 'pattern',
      },
      {
        input: { ...snapshotFile, buckets: { ...snapshotFile.buckets, size: 8192 } },
        field: 'buckets.size',
        rule: 'max',
      },
      {
        input: { ...snapshotFile, buckets: { ...snapshotFile.buckets, entries: [['0', '1']] } },
        field: 'buckets.entries.0',
        rule: 'min',
      },
      {
        input: {
          ...snapshotFile,
          buckets: { ...snapshotFile.buckets, entries: [['x', ...Array(13).fill('1')]] },
        },
        field: 'buckets.entries.0.0',
        rule: 'pattern',
      },
      {
        input: { ...snapshotFile, kgTableCounts: { provenance: 'many' } },
        field: 'kgTableCounts.provenance',
      },
      { input: { ...snapshotFile, stampCounts: undefined }, field: 'stampCounts', rule: 'required' },
    ],
  },
  {
    name: 'proof report',
    schema: proofReportSchema,
    good: [
      proof,
      { ...proof, verdict: 'INCONCLUSIVE', claims: claims.map((claim) => ({ ...claim, holds: null })) },
      { ...proof, verdict: 'FAIL', claims: failedNt3 },
    ],
    bad: [
      // Each kind of silent PASS (NT-8, F-OPEN-10):
      // a claim left out,
      { input: { ...proof, claims: claims.slice(0, 7) }, field: 'claims', rule: 'no_silent_pass' },
      // a claim broken,
      { input: { ...proof, claims: failedNt3 }, field: 'verdict', rule: 'no_silent_pass' },
      // a claim undecided,
      {
        input: {
          ...proof,
          claims: claims.map((claim) => (claim.id === 'NT-7' ? { ...claim, holds: null } : claim)),
        },
        field: 'verdict',
        rule: 'no_silent_pass',
      },
      // a claim without numbers (either side),
      {
        input: { ...proof, claims: claims.map((claim) => ({ ...claim, before: {} })) },
        field: 'claims',
        rule: 'no_silent_pass',
      },
      {
        input: {
          ...proof,
          claims: claims.map((claim) => (claim.id === 'NT-5' ? { ...claim, after: {} } : claim)),
        },
        field: 'claims',
        rule: 'no_silent_pass',
      },
      // every claim "holding" while the attached snapshots disagree,
      {
        input: { ...proof, after: { ...afterSnapshot, rowCount: 4 } },
        field: 'after',
        rule: 'no_silent_pass',
      },
      {
        input: { ...proof, after: { ...afterSnapshot, canonicalChecksum: 'b'.repeat(64) } },
        field: 'after',
        rule: 'no_silent_pass',
      },
      {
        input: { ...proof, after: { ...afterSnapshot, kgTableCounts: { universal_edges: 1 } } },
        field: 'after',
        rule: 'no_silent_pass',
      },
      // the same snapshot as before and after, an after without the written-since figures, one
      // judged against another before snapshot, rows written since, another salt.
      { input: { ...proof, after: snapshot }, field: 'after', rule: 'no_silent_pass' },
      {
        input: { ...proof, after: { ...afterSnapshot, since: null } },
        field: 'after',
        rule: 'no_silent_pass',
      },
      {
        input: {
          ...proof,
          after: { ...afterSnapshot, since: { ...afterSnapshot.since, transactionSnapshot: '749:750:' } },
        },
        field: 'after',
        rule: 'no_silent_pass',
      },
      {
        input: {
          ...proof,
          after: { ...afterSnapshot, since: { ...afterSnapshot.since, writtenRows: 1, writtenIds: ['7'] } },
        },
        field: 'after',
        rule: 'no_silent_pass',
      },
      {
        input: {
          ...proof,
          after: { ...afterSnapshot, since: { ...afterSnapshot.since, pendingWriters: 1 } },
        },
        field: 'after',
        rule: 'no_silent_pass',
      },
      {
        input: { ...proof, after: { ...afterSnapshot, salt: '17' } },
        field: 'after',
        rule: 'no_silent_pass',
      },
      // a PASS with no snapshot attached.
      { input: { ...proof, after: undefined }, field: 'after', rule: 'required' },
      // Other verdicts follow from their claims, and a broken claim names its F-OPEN condition.
      { input: { ...proof, verdict: 'INCONCLUSIVE' }, field: 'verdict', rule: 'follows_from_claims' },
      {
        input: { ...proof, verdict: 'INCONCLUSIVE', claims: failedNt3 },
        field: 'verdict',
        rule: 'follows_from_claims',
      },
      {
        input: {
          ...proof,
          verdict: 'FAIL',
          claims: claims.map((claim) => (claim.id === 'NT-1' ? { ...claim, holds: false } : claim)),
        },
        field: 'claims.0.failCondition',
        rule: 'required',
      },
      { input: { ...proof, claims: [...claims, claims[0]] }, field: 'claims', rule: 'unique' },
      { input: { ...proof, verdict: 'OK' }, field: 'verdict', rule: 'one_of' },
    ],
  },
];

describe.each(TABLES)('$name schema', ({ name, schema, good, bad }) => {
  it.each(good.map((input, index) => [index, input] as const))('accepts good input #%i', (_index, input) => {
    expect(() => parseOrThrow(schema, input, name)).not.toThrow();
  });

  it.each(bad.map((entry) => [entry.field, entry.rule ?? '*', entry] as const))(
    'refuses bad input, naming field %s (rule %s)',
    (_field, _rule, entry) => {
      let caught: unknown;
      try {
        parseOrThrow(schema, entry.input, name);
      } catch (error) {
        caught = error;
      }
      expect(ValidationError.isInstance(caught)).toBe(true);
      const issues = (caught as ValidationError).issues;
      const issue = issues.find((candidate) => candidate.field === entry.field);
      expect(issue, `issues were ${JSON.stringify(issues)}`).toBeDefined();
      if (entry.rule) expect(issue?.rule).toBe(entry.rule);
      expect((caught as ValidationError).message).toContain(entry.field);
    },
  );
});

describe('enumerations', () => {
  it('keeps the stage order PEN → STAMP → GATE and the four states', () => {
    expect(inspectStageSchema.options).toEqual(['pen', 'stamp', 'gate']);
    expect(inspectStateSchema.options).toEqual(['none', 'partial', 'complete', 'ambiguous']);
    expect(gateModeSchema.options).toEqual(['warning', 'block']);
  });
});
