export { type ApplyOptions, type ApplyReport, type DeployEvent, type StepOutcome, apply } from './apply.js';
export { AppliedRecord } from './applied-record.js';
export { type DesiredFile, type DesiredState, type DesiredStep, desiredState } from './desired-state.js';
export { type ExportedFile, exportAnsible } from './export-ansible.js';
export { healthProbes } from './health-probes.js';
export { type LoadDesiredOptions, type LoadedDesired, loadDesired } from './load-desired.js';
export { OpenSshTransport, type OpenSshTransportProps } from './openssh-transport.js';
export {
  type FilePlan,
  type FileStatus,
  type NodePlan,
  type Plan,
  type PlanOptions,
  type PreflightProblem,
  type StepPlan,
  type UnitAction,
  plan,
} from './plan.js';
export { DEPLOY_EXIT, type DeployIo, runDeployCli } from './run-cli.js';
export { type NodeRequirements, nodeRequirements } from './service-requirements.js';
export { type SshTarget, sshTarget } from './ssh-target.js';
export { HostKeyError, type RemoteResult, type Transport, TransportError } from './transport.js';
