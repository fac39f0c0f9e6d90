import { type Environment, type ServiceName, chatopsInstances, nodePath, serviceFacts, servicesOn } from '@chatops/environment';
import type { NodeSpec } from '@chatops/environment';
import type { Input } from './inputs.js';
import type { Multiline } from './parsers.js';

/** The ChatOps app's first line of every message: `[2024-01-31 12:00:00,123] INFO in module: ...`. */
export const CHATOPS_MULTILINE_PATTERN = String.raw`^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]`;

/** Elasticsearch and Logstash plain logs start with `[2024-01-31T12:00:00,123]`. */
export const ELASTIC_MULTILINE_PATTERN = String.raw`^\[\d{4}-\d{2}-\d{2}T`;

/** certbot's log lines start with `2024-01-31 12:00:00,123:`. */
export const CERTBOT_MULTILINE_PATTERN = String.raw`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}:`;

/** Services that log to the journal, read there through their first systemd unit (their `units` facts). */
export const JOURNALD_SERVICES: readonly ServiceName[] = [
  'haproxy',
  'cadvisor',
  'prometheus',
  'alertmanager',
  'systemd-exporter',
  'node-exporter',
  'blackbox-exporter',
  'kibana',
];

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

function file(env: Environment, node: NodeSpec, service: ServiceName, paths: string[], multiline?: string): LogSource {
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

/** The ChatOps containers' json-file logs, restricted to this node's app containers by name. */
function chatopsContainers(env: Environment, node: NodeSpec): LogSource {
  const dir = nodePath(env, node, DOCKER_CONTAINERS_DIR);
  // add_docker_metadata finds the container id at index 4 of /var/lib/docker/containers/<id>/...; a path prefix
  // (loopback stacks) shifts it by the prefix's depth.
  const shift = dir.split('/').length - DOCKER_CONTAINERS_DIR.split('/').length;
  const names = chatopsInstances(env, node).map((i) => escapeRe2(i.containerName));
  return {
    service: 'chatops',
    input: {
      type: 'filestream',
      id: 'chatops-containers',
      paths: [`${dir}/*/*-json.log`],
      parsers: [{ container: { stream: 'all', format: 'docker' } }, joinAfter(CHATOPS_MULTILINE_PATTERN)],
      processors: [
        { add_docker_metadata: shift === 0 ? {} : { match_source_index: 4 + shift } },
        { drop_event: { when: { not: { regexp: { 'container.name': `^(${names.join('|')})$` } } } } },
      ],
      ...tagged('chatops'),
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
 * The log inputs of exactly the services placed on a node, reading where each service really writes: the app
 * containers' json-file logs (joined on the app's first-line pattern), Grafana's, certbot's
 * and the Elastic stack's log files, and the journal for services that log there (HAProxy logs raw lines to stdout, which journald keeps). Filebeat does not ship its own log.
 */
export function logSources(env: Environment, node: NodeSpec): LogSource[] {
  const out: LogSource[] = [];
  for (const service of servicesOn(env, node)) {
    switch (service) {
      case 'certbot':
        out.push(file(env, node, service, ['/var/log/letsencrypt/letsencrypt.log'], CERTBOT_MULTILINE_PATTERN));
        break;
      case 'chatops':
        out.push(chatopsContainers(env, node));
        break;
      case 'grafana':
        out.push(file(env, node, service, ['/var/log/grafana/grafana.log']));
        break;
      case 'elasticsearch':
        out.push(file(env, node, service, [`${env.elastic.logPath}/${env.elastic.clusterName}.log`], ELASTIC_MULTILINE_PATTERN));
        break;
      case 'logstash':
        out.push(file(env, node, service, ['/var/log/logstash/logstash-plain.log'], ELASTIC_MULTILINE_PATTERN));
        break;
      case 'filebeat':
        break;
      default: {
        const unit = JOURNALD_SERVICES.includes(service) ? serviceFacts(env, service).units?.[0] : undefined;
        if (unit) out.push(journald(service, unit));
      }
    }
  }
  return out;
}
