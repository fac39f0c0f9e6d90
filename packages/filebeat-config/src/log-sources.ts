import { type Environment, type ServiceName, catalogueOf, nodePath, servicesOn } from '@chatops/environment';
import type { NodeSpec } from '@chatops/environment';
import type { Input } from './inputs.js';
import type { Multiline } from './parsers.js';

/** Where Docker's json-file driver writes container logs. */
export const DOCKER_CONTAINERS_DIR = '/var/lib/docker/containers';

/** A service's log input on a node. */
export interface LogSource {
  readonly service: ServiceName;
  readonly input: Input;
}

const joinAfter = (pattern: string): { multiline: Multiline } => ({
  multiline: { type: 'pattern', pattern, negate: true, match: 'after', max_lines: 500, timeout: '5s' },
});

/** Every event carries its service as `service.name` (ECS), at the event root. */
function tagged(service: ServiceName): Pick<Input, 'fields' | 'fields_under_root'> {
  return { fields: { service: { name: service } }, fields_under_root: true };
}

function file(env: Environment, node: NodeSpec, service: ServiceName, paths: readonly string[], multiline?: string): LogSource {
  return {
    service,
    input: {
      type: 'filestream',
      id: `${service}-log`,
      paths: paths.map((p) => nodePath(env, node, p)),
      ...(multiline ? { parsers: [joinAfter(multiline)] } : {}),
      ...tagged(service),
    },
  };
}

function escapeRe2(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Docker's json-file logs of the named containers on the node (the others' events dropped by name). */
function containers(env: Environment, node: NodeSpec, service: ServiceName, names: readonly string[], multiline?: string): LogSource {
  const dir = nodePath(env, node, DOCKER_CONTAINERS_DIR);
  // add_docker_metadata finds the container id at index 4 of /var/lib/docker/containers/<id>/...; a path prefix
  // (loopback stacks) shifts it by the prefix's depth.
  const shift = dir.split('/').length - DOCKER_CONTAINERS_DIR.split('/').length;
  return {
    service,
    input: {
      type: 'filestream',
      id: `${service}-containers`,
      paths: [`${dir}/*/*-json.log`],
      parsers: [{ container: { stream: 'all', format: 'docker' } }, ...(multiline ? [joinAfter(multiline)] : [])],
      processors: [
        { add_docker_metadata: shift === 0 ? {} : { match_source_index: 4 + shift } },
        { drop_event: { when: { not: { regexp: { 'container.name': `^(${names.map(escapeRe2).join('|')})$` } } } } },
      ],
      ...tagged(service),
    },
  };
}

function journald(service: ServiceName, unit: string): LogSource {
  return {
    service,
    input: { type: 'journald', id: `${service}-journald`, include_matches: { match: [`_SYSTEMD_UNIT=${unit}`] }, ...tagged(service) },
  };
}

/**
 * The log inputs of exactly the services placed on a node, reading where each service's `logs` fact says it
 * writes: log files (joined on their first-line pattern), Docker containers' json-file logs (the app's, only
 * this node's containers by name), or the journal through the service's first unit (HAProxy logs raw lines to
 * stdout, which journald keeps). Services without a `logs` fact (Filebeat itself) ship nothing.
 */
export function logSources(env: Environment, node: NodeSpec): LogSource[] {
  const placed = new Set(servicesOn(env, node));
  return catalogueOf(env).flatMap(({ service, logs, units }): LogSource[] => {
    if (!logs || !placed.has(service)) return [];
    if ('journal' in logs) return units?.[0] ? [journald(service, units[0])] : [];
    if ('files' in logs) return [file(env, node, service, logs.files(env), logs.firstLine)];
    return [containers(env, node, service, logs.containers(env, node), logs.firstLine)];
  });
}
