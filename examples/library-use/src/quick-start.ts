import { ConfigError } from '@chatops/core';
import { loadEnvironment, servicesOn } from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';

try {
  const { environment } = loadEnvironment(process.argv[2] ?? 'environments/single.yaml', { services: RENDERERS });
  for (const node of environment.nodes) console.log(node.name, servicesOn(environment, node).join(', '));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message); // one "file:line: path: message" per problem
  process.exitCode = 2;
}
