import type { ServiceRenderer, StackCheck } from '@chatops/environment';
import {
  type HaproxyConfig,
  type HaproxyConfigInput,
  buildEdgeConfig,
  haproxyRenderer,
  haproxyUpstreamCertificates,
  printHaproxyConfig,
} from '@chatops/haproxy-config';
import type { HttpRequestRule } from '../src/model-rules.js';
import type { ServerSsl } from '../src/model-endpoints.js';
import { describe, expectTypeOf, it } from 'vitest';

describe('public types', () => {
  it('exposes input and output types of the model', () => {
    expectTypeOf(printHaproxyConfig).parameter(0).toEqualTypeOf<HaproxyConfigInput>();
    expectTypeOf(printHaproxyConfig).returns.toEqualTypeOf<string>();
    expectTypeOf(buildEdgeConfig).returns.toEqualTypeOf<HaproxyConfigInput>();
    expectTypeOf<HaproxyConfig['backends'][number]['servers']>().toBeArray();
    expectTypeOf<ServerSsl['verify']>().toEqualTypeOf<'required' | 'none'>();
    expectTypeOf<HttpRequestRule['action']>().toEqualTypeOf<
      | 'redirect'
      | 'set-header'
      | 'add-header'
      | 'del-header'
      | 'set-path'
      | 'auth'
      | 'deny'
      | 'return'
      | 'allow'
      | 'use-service'
      | 'cache-use'
      | 'track-sc'
      | 'sc-inc-gpc0'
    >();
    expectTypeOf(haproxyRenderer).toEqualTypeOf<ServiceRenderer>();
    expectTypeOf(haproxyUpstreamCertificates).toEqualTypeOf<StackCheck>();
  });
});
