import type { CommandHost } from '@birth-lane/contract/cli';
import type { TestDatabase } from '@birth-lane/test-kit';
import { vi } from 'vitest';
import { compiler } from './support.js';

/** The app's host, reduced to what `staging` asks: the test database (left open) and the compiler. */
export function hostOn(db: TestDatabase): CommandHost {
  return {
    settings: () => ({ statementTimeoutMs: 5000 }),
    openDatabase: async () => ({
      pool: db.pool,
      url: db.connectionString,
      source: 'test',
      close: async () => {},
    }),
    createProducer: () => Promise.reject(new Error('not used')),
    inspectionCompiler: async () => compiler,
    standingOutput: () => {
      throw new Error('not used');
    },
    runUntilSignalled: () => Promise.reject(new Error('not used')),
    needsRole: () => undefined,
  };
}

/** Runs `work` with stdout and stderr captured; returns what each received. */
export async function captured(work: () => Promise<unknown>): Promise<{ stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout: stdout.join(''), stderr: stderr.join('') };
}
