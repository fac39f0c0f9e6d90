import type { RuleFile } from './rule-file.js';

/**
 * While the wider alert fires, the narrower ones that the same fault raises say nothing new: Alertmanager
 * mutes them (an `inhibit_rules` entry). Declared here, next to the rules, and kept only for the alerts a rule
 * file really has.
 */
export interface AlertInhibition {
  /** The wider alert, and its severity when a rule name exists at several severities. */
  readonly source: { readonly alertname: string; readonly severity?: string };
  /** The narrower alerts: these names, or every alert but these names. */
  readonly target: { readonly alertnames: readonly string[]; readonly severity?: string } | { readonly except: readonly string[] };
  /** Labels both alerts must share for the mute to apply (the same node, the same backend...). */
  readonly equal: readonly string[];
}

/** How the default alerts nest: which wider alert covers which narrower ones, and on which labels. */
const NESTING: readonly { readonly wider: string; readonly narrower: readonly string[] | 'all'; readonly equal: readonly string[] }[] = [
  // A node that answers no scrape explains everything else about it (its targets, containers, units, probes).
  { wider: 'NodeDown', narrower: 'all', equal: ['node'] },
  // One target that cannot be scraped explains the alerts computed from its metrics on that node.
  { wider: 'TargetDown', narrower: 'all', equal: ['node', 'job'] },
  // A backend with no server up explains each of its DOWN servers and its public host failing its probe.
  { wider: 'HaproxyBackendDown', narrower: ['HaproxyBackendServerDown', 'EndpointProbeFailed'], equal: ['node', 'proxy'] },
];

/** The `'all'` entries in nesting order: each mutes every alert but itself and the ones before it. */
const NEVER_MUTED_BY_ALL = ['NodeDown', 'TargetDown'];

const SEVERITY_ORDER = ['critical', 'warning', 'info'] as const;

/**
 * The inhibitions of a rule file, derived from its alerts:
 * - the nesting above, for the alerts present (a `narrower: 'all'` entry mutes every other alert but the wider
 *   ones, so a node that is down never hides that a target elsewhere is down);
 * - for an alert defined at several severities (`CertificateExpiresSoon` warning and critical), the more severe
 *   mutes the less severe one for the same `node` and `instance`.
 */
export function alertInhibitions(rules: RuleFile): AlertInhibition[] {
  const alerts = rules.groups.flatMap((g) => g.rules).flatMap((r) => ('alert' in r && r.alert ? [{ alert: r.alert, severity: r.labels?.severity }] : []));
  const names = new Set(alerts.map((a) => a.alert));
  const out: AlertInhibition[] = [];
  for (const n of NESTING) {
    if (!names.has(n.wider)) continue;
    if (n.narrower === 'all') {
      const except = NEVER_MUTED_BY_ALL.slice(0, NEVER_MUTED_BY_ALL.indexOf(n.wider) + 1);
      out.push({ source: { alertname: n.wider, severity: 'critical' }, target: { except }, equal: n.equal });
      continue;
    }
    const present = n.narrower.filter((a) => names.has(a));
    if (present.length > 0) out.push({ source: { alertname: n.wider, severity: 'critical' }, target: { alertnames: present }, equal: n.equal });
  }
  for (const name of names) {
    const severities = SEVERITY_ORDER.filter((s) => alerts.some((a) => a.alert === name && a.severity === s));
    for (let i = 0; i + 1 < severities.length; i++) {
      out.push({
        source: { alertname: name, severity: severities[i] },
        target: { alertnames: [name], severity: severities[i + 1] },
        equal: ['node', 'instance'],
      });
    }
  }
  return out;
}
