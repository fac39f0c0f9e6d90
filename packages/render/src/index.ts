export { type CliIo, EXIT, runCli } from './run-cli.js';
export { type LocatedEnvironment, UsageError, locateEnvironment } from './locate-environment.js';
export { type CheckOutcome, runNativeChecks } from './native-checks.js';
export { writeOutput } from './write-output.js';
