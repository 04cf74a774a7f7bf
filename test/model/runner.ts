import fc from 'fast-check';
import { commandArbitrary, type CommandMix } from './arbitraries.js';
import type { ModelCommand, Real } from './commands/base.js';
import { checkInvariants, formatDivergence, type Divergence } from './invariants.js';
import { initialModel, type Model } from './model.js';
import { quiesce } from './quiesce.js';
import { RunStats } from './stats.js';
import type { System } from './system.js';
import { World } from './world.js';

/**
 * Runs the convergence property: each run gets a fresh tenant, users and records, executes a
 * generated sequence of commands, goes quiet, and checks the invariants. Failures shrink to a
 * minimal sequence; the report says how to replay it (FC_SEED, FC_PATH, FC_REPLAY_PATH).
 */

export interface ConvergenceOptions {
  system: System;
  numRuns: number;
  maxCommands: number;
  /** Also take the paths of the issue's known defects (the soak's `--known-defects`). */
  knownDefects: boolean;
  /** Also the paths of divergences found and recorded in docs/RELIABILITY.md. */
  openFindings: boolean;
  mix: CommandMix;
  stats: RunStats;
  seed?: number | undefined;
  path?: string | undefined;
  replayPath?: string | undefined;
  /** Stop starting runs (or shrinking) after this long; what failed until then is reported. */
  timeLimitMs?: number | undefined;
  /** Progress lines (one per run). */
  log?: (line: string) => void;
}

/** A run that diverged: its divergences and what the run did, line by line. */
export class DivergenceError extends Error {
  constructor(
    readonly divergences: Divergence[],
    readonly trace: readonly string[],
  ) {
    super(
      `${divergences.length} divergence(s) after the run went quiet:\n` +
        divergences.map((d) => `  - ${formatDivergence(d)}`).join('\n') +
        `\nWhat the run did:\n${trace.map((l) => `  ${l}`).join('\n')}`,
    );
  }
}

/** Runs one sequence of commands on a fresh world and checks the invariants. */
export async function runSequence(
  system: System,
  commands: Iterable<fc.AsyncCommand<Model, Real, boolean>>,
  options: { knownDefects: boolean; openFindings: boolean; stats: RunStats },
): Promise<void> {
  const { stats } = options;
  stats.runs += 1;
  const world = await World.create(system);
  const model: Model = initialModel({
    knownDefects: options.knownDefects,
    openFindings: options.openFindings,
  });
  try {
    await world.admin('DELETE', '/faults');
    const real: Real = { world, stats };
    await fc.asyncModelRun(() => ({ model, real }), commands);
    const counts = await quiesce(model, world);
    const divergences = await checkInvariants(model, world, counts);
    if (divergences.length > 0) throw new DivergenceError(divergences, world.trace);
  } catch (error) {
    stats.failedRuns += 1;
    if (error instanceof DivergenceError) throw error;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new Error(`${message}\nWhat the run did:\n${world.trace.map((l) => `  ${l}`).join('\n')}`, {
      cause: error,
    });
  } finally {
    await world.admin('DELETE', '/faults').catch(() => undefined);
  }
}

export interface ConvergenceResult {
  failed: boolean;
  seed: number;
  /** The report of a failure: the shrunk sequence, what diverged, how to replay. */
  report: string;
  numRuns: number;
  sequence: string;
}

function replayHint(seed: number, path: string | null, replayPath: string | undefined): string {
  const parts = [`FC_SEED=${seed}`];
  if (path !== null) parts.push(`FC_PATH=${path}`);
  if (replayPath !== undefined) parts.push(`FC_REPLAY_PATH='${replayPath}'`);
  return parts.join(' ');
}

/** Runs the property (fc.check) and returns what happened instead of throwing. */
export async function checkConvergence(options: ConvergenceOptions): Promise<ConvergenceResult> {
  const seed = options.seed ?? Date.now() ^ Math.floor(Math.random() * 0x7fffffff);
  const commands = fc.commands<Model, Real, false>([commandArbitrary(options.mix)], {
    maxCommands: options.maxCommands,
    size: 'max',
    ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
  });
  let run = 0;
  const property = fc.asyncProperty(commands, async (cmds) => {
    run += 1;
    const started = performance.now();
    const before = options.stats.commandCount;
    const took = () =>
      `${options.stats.commandCount - before} commands in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    try {
      await runSequence(options.system, cmds, options);
      options.log?.(`run ${run}: ok, ${took()}`);
    } catch (error) {
      const what =
        error instanceof DivergenceError
          ? error.divergences
              .slice(0, 5)
              .map((d) => `\n    ${formatDivergence(d)}`)
              .join('')
          : `\n    ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      options.log?.(`run ${run}: diverged, ${took()}${what}\n    sequence: ${fc.stringify(cmds)}`);
      throw error;
    }
  });
  const details = await fc.check(property, {
    seed,
    numRuns: options.numRuns,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.timeLimitMs === undefined
      ? {}
      : { plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs)] }),
  });
  if (!details.failed || details.counterexample === null || details.counterexample === undefined) {
    return { failed: false, seed, report: '', numRuns: details.numRuns, sequence: '' };
  }
  const [counterexample] = details.counterexample as [Iterable<ModelCommand>];
  const sequence = fc.stringify(counterexample);
  const replayPath = /replayPath="([^"]*)"/.exec(sequence)?.[1] ?? options.replayPath;
  const error = details.errorInstance;
  const report = [
    `Convergence failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s).`,
    `Replay: ${replayHint(seed, details.counterexamplePath, replayPath)} npx vitest run --project integration test/model/convergence.test.ts`,
    `Minimal sequence: ${sequence}`,
    error instanceof Error ? error.message : String(error),
  ].join('\n');
  options.stats.divergences.push({
    seed,
    path: details.counterexamplePath ?? '',
    summary:
      error instanceof DivergenceError
        ? error.divergences.map(formatDivergence).join('\n')
        : String(error instanceof Error ? error.message.split('\n')[0] : error),
    sequence,
  });
  return { failed: true, seed, report, numRuns: details.numRuns, sequence };
}

/** Reads FC_SEED / FC_PATH / FC_REPLAY_PATH (a replay) and FC_RUNS / FC_COMMANDS. */
export function replayFromEnv(env: NodeJS.ProcessEnv = process.env): {
  seed: number | undefined;
  path: string | undefined;
  replayPath: string | undefined;
} {
  const seed = env.FC_SEED === undefined || env.FC_SEED === '' ? undefined : Number(env.FC_SEED);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`FC_SEED must be an integer, got ${env.FC_SEED}`);
  return {
    seed,
    path: env.FC_PATH === '' ? undefined : env.FC_PATH,
    replayPath: env.FC_REPLAY_PATH === '' ? undefined : env.FC_REPLAY_PATH,
  };
}

export { RunStats };
