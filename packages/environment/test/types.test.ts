import type { Artifact, SecretRef } from '@chatops/core';
import {
  type Environment,
  type EnvironmentInput,
  type LoadedEnvironment,
  type RenderContext,
  type ServiceOutput,
  type ServiceRenderer,
  loadEnvironment,
  nodePath,
  servicesOn,
} from '@chatops/environment';
import { describe, expectTypeOf, it } from 'vitest';

describe('public types', () => {
  it('loading yields a fully defaulted Environment', () => {
    expectTypeOf(loadEnvironment).returns.toEqualTypeOf<LoadedEnvironment>();
    expectTypeOf<Environment['ports']['grafana']>().toEqualTypeOf<number>();
    expectTypeOf<Environment['prometheus']['retention']>().toEqualTypeOf<string>();
    expectTypeOf<Environment['name']>().toEqualTypeOf<string>();
    // Input side: defaults are optional there.
    expectTypeOf<EnvironmentInput['ports']>().toEqualTypeOf<
      | {
          http?: number;
          https?: number;
          haproxyMetrics?: number;
          certbot?: number;
          chatops?: number;
          grafana?: number;
          prometheus?: number;
          alertmanager?: number;
          elasticsearch?: number;
          kibana?: number;
          logstash?: number;
          cadvisor?: number;
          cadvisorLocal?: number;
          chatopsLocal?: number;
          systemdExporter?: number;
          nodeExporter?: number;
          blackboxExporter?: number;
        }
      | undefined
    >();
    expectTypeOf<Environment['grafana']['adminPassword']>().toEqualTypeOf<SecretRef>();
  });

  it('a renderer is its service facts (name, placement, certificates, …) and a pure render', () => {
    expectTypeOf<ServiceRenderer['render']>().parameters.toEqualTypeOf<[Environment['nodes'][number], RenderContext]>();
    expectTypeOf<ServiceRenderer['render']>().returns.toEqualTypeOf<ServiceOutput>();
    expectTypeOf<ServiceOutput['artifacts']>().toEqualTypeOf<readonly Artifact[]>();
    expectTypeOf(servicesOn).returns.items.toEqualTypeOf<string>();
    expectTypeOf(nodePath).returns.toEqualTypeOf<string>();
  });
});
