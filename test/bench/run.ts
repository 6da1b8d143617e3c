/**
 * `npm run bench [-- NAME_FILTER …] [-- --update-readme]`: runs every test/bench/*.bench.ts,
 * each file in a fresh Node process (what one file's workloads teach V8 — megamorphic call
 * sites, grown heap spaces — must not slow the next file's), ours and baselines side by side
 * within it; prints one table of medians and ratios (ours / baseline; lower is better).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatResults, runScenario, type Scenario, type ScenarioResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const updateReadme = args.includes('--update-readme');
const childFile = args.includes('--child') ? args[args.indexOf('--child') + 1] : undefined;
const filters = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--child');
const RESULTS = 'BENCH-RESULTS ';

/** Runs the matching scenarios of one file in this process. */
async function runFile(file: string): Promise<ScenarioResult[]> {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { scenarios: Scenario[] };
  const results: ScenarioResult[] = [];
  for (const s of mod.scenarios) {
    if (filters.length && !filters.some((f) => s.name.includes(f) || file.includes(f))) continue;
    process.stderr.write(`running ${s.name} …\n`);
    const r = await runScenario(s);
    results.push(r);
    process.stderr.write(formatResults([r]).split('\n').slice(2).join('\n') + '\n');
  }
  return results;
}

if (childFile !== undefined) {
  const results = await runFile(childFile);
  process.stdout.write(`${RESULTS}${JSON.stringify(results)}\n`);
} else {
  const results: ScenarioResult[] = [];
  for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', file, ...filters], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const line = child.stdout.split('\n').find((l) => l.startsWith(RESULTS));
    if (child.status !== 0 || line === undefined) throw new Error(`bench file ${file} failed (exit ${child.status})`);
    results.push(...(JSON.parse(line.slice(RESULTS.length)) as ScenarioResult[]));
  }
  const table = formatResults(results);
  console.log(`\nnode ${process.version}, ${new Date().toISOString()}, medians of ${process.env.BENCH_RUNS ?? 5} runs after 1 warm-up, one process per bench file\n`);
  console.log(table);

  if (updateReadme) {
    const readme = join(here, '..', '..', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const i = text.indexOf(begin);
    const j = text.indexOf(end);
    if (i < 0 || j < 0) throw new Error('README.md has no bench markers');
    const body = `\n_node ${process.version}, ${new Date().toISOString().slice(0, 10)}, medians of ${process.env.BENCH_RUNS ?? 5} runs, one process per bench file; ratio = ours / baseline, lower is better_\n\n${table}\n`;
    writeFileSync(readme, text.slice(0, i + begin.length) + body + text.slice(j));
    console.log('README.md performance section updated');
  }
}
