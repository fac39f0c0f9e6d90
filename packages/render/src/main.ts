import { InputRecorder } from './input-recorder.js';
import { FULL_FLAG, type RenderedOutput, RenderRecords } from './render-record.js';
import type { CliIo } from './run-cli.js';

/**
 * The `chatops-render` command: replays the last render of the same command when nothing it read has changed
 * (see `RenderRecords`), else runs it, recording what it reads. Loads the renderers only when it has to render.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const records = RenderRecords.open(io.cwd);
  const replayed = records?.replay(argv, io.cwd, io.env, io.now ?? new Date());
  if (typeof replayed === 'object') {
    if (replayed.stderr) io.stderr(replayed.stderr);
    io.stdout(replayed.stdout);
    return 0;
  }
  if (replayed && io.env.CHATOPS_DEBUG) io.stderr(`chatops-render: rendering: ${replayed}\n`);
  records?.forget(argv, io.cwd);

  const { preferJitlessValidation, writeFileAtomic } = await import('@chatops/core');
  // Before the packages whose schemas it configures are loaded (zod reads the setting when a schema is built).
  preferJitlessValidation();
  const { runCli } = await import('./run-cli.js');
  let rendered: RenderedOutput | undefined;
  const onRendered = (r: RenderedOutput) => {
    rendered = r;
  };
  if (!records) return runCli(argv, io);

  const recorder = new InputRecorder(io.env).start();
  let code: number;
  try {
    code = await runCli(argv, { ...io, env: recorder.env, onRendered });
  } finally {
    recorder.stop();
  }
  if (code === 0 && rendered) {
    // A record only saves time: failing to write one changes nothing the render did.
    let why: string | undefined;
    try {
      why = records.save(argv, io.cwd, recorder, rendered, writeFileAtomic);
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
    if (why && io.env.CHATOPS_DEBUG) io.stderr(`chatops-render: not recorded: ${why}\n`);
  }
  return code;
}

export { FULL_FLAG };
