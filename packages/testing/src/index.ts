export {
  FIXED_PKI,
  REPO,
  describeArtifacts,
  exampleConfigCopy,
  exampleContext,
  renderAll,
  rerooted,
} from './example-context.js';
export { type RunResult, requireBinary, run, runOk } from './binaries.js';
export {
  LOOPBACK_PASSWORDS,
  type LoopbackEnvironment,
  type LoopbackEnvironmentOptions,
  loopbackEnvironment,
} from './loopback-environment.js';
export { freePorts } from './ports.js';
export {
  type RenderedExample,
  type RenderedService,
  configErrorMessage,
  errorMessage,
  goldenFiles,
  jsonLines,
  renderExample,
  renderedService,
} from './render-example.js';
export { type RunningProcess, type StartOptions, eventually, startProcess, waitForPort } from './processes.js';
export { cachedPki } from './cached-pki.js';
export { type ClientPair, clientsToRefuse, httpsStatus } from './mutual-tls.js';
export { writeScaledEnvironment } from './scaled-environment.js';
export { SERVICE_SIGNATURES } from './service-signatures.js';
export { type TempDir, tempDir } from './temp-dir.js';
export {
  SSH_TEST_USER,
  type SshdNode,
  type SshdNodeSpec,
  type SshdNodes,
  type SshdNodesOptions,
  type SystemctlCall,
  startSshdNodes,
} from './sshd-nodes.js';
export { recorder } from './http-recorder.js';
export { type Mail, mailText, smtpSink } from './smtp-sink.js';
export { type UnitCommand, type UnitCommandOptions, unitCommand } from './unit-command.js';
