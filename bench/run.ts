/**
 * `npm run bench -- <name> [options]` runs one benchmark of this folder (bench/<name>.ts) with its
 * options; `npm run bench` alone lists them. Each benchmark documents itself in bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHMARKS: Record<string, string> = {
  'idle-cost':
    'an idle service: job-queue statements/s and CPU, fast polling everywhere vs the service polling',
  'emulator-sync': 'the emulator alone: full sync of 100,000 events, incremental cost big vs small',
  'pull-sync': 'Google -> CRM: full sync 10k/100k on PGlite and PostgreSQL, push-channel propagation',
  'push-sync': 'CRM -> Google: latency, outbox throughput and Google calls per create, inline baseline',
};

const [name, ...options] = process.argv.slice(2);
if (name === undefined || BENCHMARKS[name] === undefined) {
  if (name !== undefined) console.error(`Unknown benchmark "${name}".\n`);
  console.log('Usage: npm run bench -- <name> [options]\n');
  for (const [key, what] of Object.entries(BENCHMARKS)) console.log(`  ${key.padEnd(14)} ${what}`);
  process.exit(name === undefined ? 0 : 2);
}

const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
if (!existsSync(script)) throw new Error(`bench/${name}.ts is missing`);
const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...options], { stdio: 'inherit' });
process.exit(run.status ?? 1);
