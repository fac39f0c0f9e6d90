/** The text `chatops-deploy --help` adds after commander's usage and option lists. */

export const OVERVIEW_HELP = `
Every command renders the environment in memory first, exactly like chatops-render (same --config lookup,
same PKI state), and refuses to touch a node when the render fails its checks.

Exit codes:
  plan     0 nothing to do, 2 changes or drift, 1 preflight failed or a node cannot be reached
  apply    0 applied or nothing to do, 1 failed (the failing node rolled back, later phases not started),
           drift refused without --force, preflight failed (nothing touched) or a node cannot be reached
  all      2 bad input or usage (environment errors as file:line: path), 70 internal error (a bug)

Examples:
  npx @chatops/deploy plan prod                 # what would change, per node and service, with diffs
  npx @chatops/deploy apply prod --node lb-1    # one node; asks before changing anything
  npx @chatops/deploy apply prod --yes --json   # non-interactive, one JSON event per line
  npx @chatops/deploy export-ansible prod --out ansible/

See "Deploy" in the README: inventory (ssh: in the environment), pinned known_hosts, preflight, plan, apply.
`;

export const PLAN_HELP = `
Exit codes: 0 nothing to do, 2 changes or drift, 1 preflight failed or a node cannot be reached, 2 bad input.

Examples:
  npx @chatops/deploy plan prod --node lb-1
  npx @chatops/deploy plan prod --report    # also out/prod/report/index.html with the pending changes per node
`;

export const APPLY_HELP = `
Per node and service, in manifest order: stage the files, journal the reloads, swap each file in atomically,
run the daemon's own checker at the final paths, daemon-reload if a unit changed, reload or restart only what
changed and wait until healthy; ChatOps instances one at a time, drained in HAProxy. Any failure restores that
node's files and reloads back.

Nodes whose rendered files are unchanged since this machine last saw them converged (<root>/.deploy/<env>.json,
kept by plan and apply) are not inspected: apply assumes they are still as deploy left them. plan, --check-all
and --force inspect every node (drift there is found).

Exit codes: 0 applied or nothing to do, 1 failed (rolled back), drift refused, preflight failed or a node
cannot be reached; 2 bad input or usage.

Example:
  npx @chatops/deploy apply prod --yes
`;

export const EXPORT_HELP = `
Writes <out>/inventory.ini (hosts, users, keys and the pinned known_hosts from the environment's ssh:),
<out>/files/<node>/<path> (the rendered files, keys and secrets included: keep it private) and
<out>/playbook.yml: one play per phase in manifest order, copy with validate:/backup:, handlers, serial: 1 for
ChatOps. No rollback, journal or HAProxy drain: that is what apply adds.

Exit codes: 0 written, 1 the render failed its checks, 2 bad input or usage.

Example:
  npx @chatops/deploy export-ansible prod --out ansible && cd ansible && ansible-playbook -i inventory.ini playbook.yml
`;
