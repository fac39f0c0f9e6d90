import { z } from 'zod';

/**
 * For a short-lived process (a CLI run): zod validates without generating its per-schema fast-path code
 * (`new Function`) first. The results are the same; a render validates each schema a few times, so generating
 * that code costs more than it saves (about 10 % of a no-change `chatops-render prod`, CPU). Process-wide, and
 * read when a schema is built: call it from a command's entry point before importing the packages it validates
 * with, never from a library.
 */
export function preferJitlessValidation(): void {
  z.config({ jitless: true });
}
