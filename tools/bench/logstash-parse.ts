// Parser/printer throughput on the valid corpus: `npm run bench -- logstash-parse`
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipeline, printPipeline } from '@chatops/logstash-pipeline';

const dir = join(import.meta.dirname, '../../packages/logstash-pipeline/test/corpus/valid');
const text = readdirSync(dir)
  .sort()
  .map((f) => readFileSync(join(dir, f), 'utf8'))
  .join('\n');
const big = Array.from({ length: 50 }, () => text).join('\n');
const time = (label: string, fn: () => void, runs: number) => {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  console.log(`${label}: ${ms.toFixed(2)} ms/run`);
  return ms;
};
const config = parsePipeline(big);
const parseMs = time(`parse ${(big.length / 1024).toFixed(0)} KiB (${config.sections.length} sections)`, () => parsePipeline(big), 10);
const printMs = time('print same config', () => printPipeline(config), 10);
console.log(
  `parse throughput: ${(big.length / 1024 / (parseMs / 1000)).toFixed(0)} KiB/s; parse/print ratio ${(parseMs / printMs).toFixed(1)}x`,
);
