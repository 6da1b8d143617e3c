/**
 * `npm run bench [-- NAME_FILTER] [-- --update-readme]`: runs every test/bench/*.bench.ts,
 * prints one table of medians and ratios (ours / baseline; lower is better).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatResults, runScenario, type Scenario, type ScenarioResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const updateReadme = args.includes('--update-readme');
const filters = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
const results: ScenarioResult[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { scenarios: Scenario[] };
  for (const s of mod.scenarios) {
    if (filters.length && !filters.some((f) => s.name.includes(f) || file.includes(f))) continue;
    process.stderr.write(`running ${s.name} …\n`);
    const r = await runScenario(s);
    results.push(r);
    process.stderr.write(formatResults([r]).split('\n').slice(2).join('\n') + '\n');
  }
}
const table = formatResults(results);
console.log(`\nnode ${process.version}, ${new Date().toISOString()}, medians of ${process.env.BENCH_RUNS ?? 5} runs after 1 warm-up\n`);
console.log(table);

if (updateReadme) {
  const readme = join(here, '..', '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error('README.md has no bench markers');
  const body = `\n_node ${process.version}, ${new Date().toISOString().slice(0, 10)}, medians of ${process.env.BENCH_RUNS ?? 5} runs; ratio = ours / baseline, lower is better_\n\n${table}\n`;
  writeFileSync(readme, text.slice(0, i + begin.length) + body + text.slice(j));
  console.log('README.md performance section updated');
}
