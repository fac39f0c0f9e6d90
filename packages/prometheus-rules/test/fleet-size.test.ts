import { loadEnvironment } from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';
import { tempDir, writeScaledEnvironment } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { defaultAlertRules, printRuleFile } from '../src/index.js';

describe('default rules at fleet scale', () => {
  it('are the same rule file at 10 and at 300 nodes (no expression grows with the fleet)', () => {
    using dir = tempDir('fleet-rules-');
    const rules = (n: number) => {
      const { environment } = loadEnvironment(writeScaledEnvironment(dir.path, n), { resolveSecrets: false, services: RENDERERS });
      return printRuleFile(defaultAlertRules(environment));
    };
    const small = rules(10);
    expect(small).toContain('ChatOpsInstanceDown');
    expect(rules(300)).toBe(small);
  });
});
