import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultAlertRules } from '@chatops/prometheus-rules';
import { exampleContext } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

/** `alert severity` of every row of the README's alert table. */
function readmeRows(): string[] {
  const text = readFileSync(join(__dirname, '../README.md'), 'utf8');
  const table = text.slice(text.indexOf('| Alert | Severity |'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
  return rows.map((row) => {
    const [, alert, severity] = row.split('|').map((c) => c.trim());
    return `${alert?.replace(/`/g, '')} ${severity?.split(' ')[0]}`;
  });
}

describe('the README alert table', () => {
  it('lists every default alert of the prod example at each severity, and nothing else', () => {
    const rules = defaultAlertRules(exampleContext('prod').env).groups.flatMap((g) => g.rules);
    const rendered = rules.flatMap((r) => ('alert' in r ? [`${r.alert} ${r.labels?.severity}`] : []));
    expect(readmeRows().sort()).toEqual(rendered.sort());
  });
});

describe('RUNBOOKS.md', () => {
  it('has one section per default alert, and every alert has a summary, a description and its runbook_url', () => {
    const rules = defaultAlertRules(exampleContext('prod').env).groups.flatMap((g) => g.rules);
    const text = readFileSync(join(__dirname, '../RUNBOOKS.md'), 'utf8');
    const sections = [...text.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    const alerts = [...new Set(rules.flatMap((r) => ('alert' in r && r.alert ? [r.alert] : [])))];
    expect([...sections].sort()).toEqual([...alerts].sort());
    for (const r of rules) {
      if (!('alert' in r) || !r.alert) continue;
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      expect(r.annotations?.description, r.alert).toBeTruthy();
      expect(r.annotations?.runbook_url, r.alert).toBe(
        `https://github.com/stfc/cloud-chatops-config/blob/main/RUNBOOKS.md#${r.alert.toLowerCase()}`,
      );
    }
  });
});
