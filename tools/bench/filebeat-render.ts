// Render / parse / validate throughput for Filebeat files of the prod example.
// Run: npm run bench -- filebeat-render
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { load } from 'js-yaml';
import { loadEnvironment } from '@chatops/environment';
import { filebeatJsonSchema, filebeatRenderer, parseFilebeatConfig, parseInputsFile, re2Problem } from '@chatops/filebeat-config';

const { environment: env, secrets } = loadEnvironment(join(import.meta.dirname, '../../examples/cloud-chatops/environments/prod.yaml'));
const ctx = {
  env,
  secrets,
  pki: {
    caCert: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
    leaf: () => {
      throw new Error('unused');
    },
    get publicCert(): never {
      throw new Error('unused');
    },
  },
};

function time(label: string, runs: number, fn: () => void): number {
  for (let i = 0; i < Math.min(20, runs); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const perRun = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  console.log(`${label.padEnd(48)} ${perRun.toFixed(3)} ms/run`);
  return perRun;
}

const files = env.nodes.flatMap((n) => filebeatRenderer.render(n, ctx).artifacts).filter((a) => a.path.startsWith('/etc/filebeat/'));
const mains = files.filter((a) => a.path.endsWith('filebeat.yml'));
const inputs = files.filter((a) => !a.path.endsWith('filebeat.yml'));
const validate = new Ajv2020({ strict: false }).compile(filebeatJsonSchema());

const render = time(`render Filebeat on ${env.nodes.length} nodes (${files.length} files)`, 200, () => {
  for (const n of env.nodes) filebeatRenderer.render(n, ctx);
});
const parse = time(`parse + strict-validate ${files.length} files`, 200, () => {
  for (const a of mains) parseFilebeatConfig(a.content);
  for (const a of inputs) parseInputsFile(a.content);
});
const yamlOnly = time(`js-yaml load only, ${files.length} files`, 200, () => {
  for (const a of files) load(a.content);
});
const ajv = time(`ajv (JSON Schema) on ${mains.length} filebeat.yml`, 200, () => {
  for (const a of mains) validate(load(a.content));
});
const re2 = time('re2Problem on the app multiline pattern', 2000, () => {
  re2Problem(String.raw`^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]`);
});
console.log(
  `ratios: parse+validate / yaml-load = ${(parse / yamlOnly).toFixed(1)}x, render / parse = ${(render / parse).toFixed(2)}x, ajv / parse = ${(ajv / parse).toFixed(2)}x, re2 check = ${(re2 * 1000).toFixed(1)} µs`,
);
