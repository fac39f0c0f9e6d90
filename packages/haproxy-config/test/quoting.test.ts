import { request } from 'node:http';
import { printHaproxyConfig } from '@chatops/haproxy-config';
import { freePorts, requireBinary, startProcess, tempDir, waitForPort } from '@chatops/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeFile } from './_fixtures.js';

function fetchBody(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('quoting', () => {
  it('HAProxy reads back exactly the string the printer wrote (property, real haproxy)', async () => {
    const haproxy = requireBinary('haproxy');
    // Printable ASCII plus tabs: blanks, quotes, #, $, backslashes and escape-looking sequences included.
    const char = fc.oneof(
      fc.constantFrom(' ', '\t', '#', '$', '\\', '"', "'", '{', '}', '%', '$HOME', '\\x41', '\\n', '${X}'),
      fc.string({ minLength: 1, maxLength: 1 }),
    );
    const fixed = [`it's $HOME "x" \\`, "'", '\\', '#', ' lead', 'trail ', '${HOME}', '\\x41\\n', "$'", '"$HOME"'];
    const values = [
      ...fixed,
      ...fc.sample(
        fc
          .array(char, { minLength: 0, maxLength: 12 })
          .map((a) => a.join(''))
          .filter((s) => s !== '' && !/[\r\n\0]/.test(s)),
        { numRuns: 60, seed: 42 },
      ),
    ];
    const [port] = await freePorts(1);
    using dir = tempDir();
    const cfg = printHaproxyConfig({
      defaults: [{ mode: 'http', timeouts: { connect: '5s', client: '10s', server: '10s' } }],
      frontends: [
        {
          name: 'echo',
          binds: [{ address: '127.0.0.1', port: port! }],
          httpRequest: values.map((v, i) => ({
            action: 'return' as const,
            status: 200,
            contentType: 'text/plain',
            string: v,
            if: `{ path /${i} }`,
          })),
        },
      ],
    });
    await using p = startProcess(haproxy, ['-db', '-f', writeFile(dir.path, 'haproxy.cfg', cfg)]);
    await waitForPort('127.0.0.1', port!, { process: p });
    for (const [i, v] of values.entries()) expect(await fetchBody(port!, `/${i}`), JSON.stringify(v)).toBe(v);
  });
});
