export { type CliIo, REPORT_PATH, runCli } from './run-cli.js';
export { type LocatedEnvironment, UsageError, locateEnvironment } from './locate-environment.js';
export { badInputLines } from './bad-input.js';
export { CheckCache } from './check-cache.js';
export { type CheckOutcome, type NativeCheckOptions, runNativeChecks } from './native-checks.js';
export { type WriteOutcome, writeOutput } from './write-output.js';
