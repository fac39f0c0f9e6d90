import { createServer } from 'node:net';

/**
 * Reserves `count` distinct free TCP ports above 10000 on 127.0.0.1 (asks the kernel, then releases them). Good
 * enough for tests that start daemons right after.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempts = 0; ports.size < count && attempts < count * 20; attempts++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const p = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    if (port > 10000) ports.add(port);
  }
  if (ports.size < count) throw new Error(`could not reserve ${count} free ports`);
  return [...ports];
}
