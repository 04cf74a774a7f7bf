import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/harness.js';
import { checkConvergence, replayFromEnv, RunStats } from './runner.js';
import { inProcessSystem } from './system.js';

/**
 * The model-based convergence test (issue #8 "Nothing lost, duplicated or left stale"), short
 * form: a fixed number of generated runs, each a sequence of CRM and Google commands with faults
 * between them on a fresh tenant, checked once it went quiet (test/model/invariants.ts). A new
 * seed every time; a failure prints the seed and the shrunk sequence, and
 * `FC_SEED=... FC_PATH=... FC_REPLAY_PATH=...` replays it. docs/RELIABILITY.md says more.
 */

const RUNS = Number(process.env.FC_RUNS ?? 8);
const COMMANDS = Number(process.env.FC_COMMANDS ?? 25);
/**
 * CI runs one fixed seed (its runs pass on the code as it is, so a failure there is a change's
 * doing); anywhere else each run takes a new seed and so explores new sequences, and a
 * divergence it finds is recorded in docs/RELIABILITY.md and regressions.test.ts. FC_SEED overrides both.
 */
const CI_SEED = 56210406;
/** Past this, no new run starts and shrinking stops: the failure found so far is reported. */
const TIME_LIMIT_MS = Number(process.env.FC_TIME_LIMIT_MS ?? 8 * 60_000);

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('CRM and Google converge', () => {
  it(
    `after ${RUNS} generated runs of up to ${COMMANDS} commands with faults`,
    async () => {
      const stats = new RunStats();
      const result = await checkConvergence({
        system: inProcessSystem(t),
        numRuns: RUNS,
        maxCommands: COMMANDS,
        knownDefects: process.env.FC_KNOWN_DEFECTS === 'true',
        openFindings: false,
        mix: { faults: true, lifecycle: true },
        stats,
        ...withCiSeed(replayFromEnv()),
        timeLimitMs: TIME_LIMIT_MS,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`${stats.table(`convergence (seed ${result.seed})`)}\n`);
      expect(result.failed, result.report).toBe(false);
    },
    TIME_LIMIT_MS + 120_000,
  );
});

function withCiSeed<T extends { seed: number | undefined }>(replay: T): T {
  return replay.seed === undefined && process.env.CI === 'true' ? { ...replay, seed: CI_SEED } : replay;
}
