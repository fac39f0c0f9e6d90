import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the whole-stack e2e did when, and how long each step took: written to a file (tests may not print), so a
 * slow or failed CI run can be read afterwards (`npm run e2e` prints it).
 */
export class Timeline {
  readonly #start = Date.now();
  readonly #lines: string[] = [];

  #stamp(): string {
    return `${((Date.now() - this.#start) / 1000).toFixed(1).padStart(6)} s`;
  }

  mark(what: string): void {
    this.#lines.push(`${this.#stamp()}  ${what}`);
  }

  /** Runs `fn`, recording its start and duration (or its failure). */
  async step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    this.#lines.push(`${this.#stamp()}  ${what} ...`);
    try {
      const value = await fn();
      this.#lines.push(`${this.#stamp()}  ${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return value;
    } catch (e) {
      this.#lines.push(
        `${this.#stamp()}  ${what}: FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${(e as Error).message.split('\n')[0]}`,
      );
      throw e;
    }
  }

  toString(): string {
    return `${this.#lines.join('\n')}\n`;
  }

  write(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, this.toString());
  }
}
