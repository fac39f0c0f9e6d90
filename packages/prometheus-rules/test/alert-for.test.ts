import { ConfigError } from '@chatops/core';
import { defaultAlertRules } from '@chatops/prometheus-rules';
import { exampleContext } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const forOf = (rules: ReturnType<typeof defaultAlertRules>, name: string) =>
  rules.groups.flatMap((g) => g.rules.flatMap((r) => ('alert' in r && r.alert === name ? [r.for] : [])))[0];

describe('prometheus.alertFor', () => {
  it("replaces the named default alerts' delay and leaves the others alone", () => {
    const { env } = exampleContext('prod');
    const before = defaultAlertRules(env);
    const after = defaultAlertRules({ ...env, prometheus: { ...env.prometheus, alertFor: { NodeDown: '5m', ChatOpsInstanceDown: '0s' } } });
    expect(forOf(before, 'NodeDown')).not.toBe('5m');
    expect(forOf(after, 'NodeDown')).toBe('5m');
    expect(forOf(after, 'ChatOpsInstanceDown')).toBe('0s');
    expect(forOf(after, 'TargetDown')).toBe(forOf(before, 'TargetDown'));
  });

  it('refuses a name no default alert has, naming the setting and the alerts there are', () => {
    const { env } = exampleContext('prod');
    const call = () => defaultAlertRules({ ...env, prometheus: { ...env.prometheus, alertFor: { NodeDwn: '5m' } } });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/no default alert is named NodeDwn \(the alerts: .*NodeDown.*\)/);
    try {
      call();
    } catch (e) {
      expect((e as ConfigError).diagnostics.map((d) => d.path)).toEqual([['prometheus', 'alertFor', 'NodeDwn']]);
    }
  });
});
