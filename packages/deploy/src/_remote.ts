// Bash scripts deploy sends to nodes (one script = one round trip) and the parsers of their output. Output is
// tab-separated records, one per line; file contents travel base64-encoded so no byte can break the framing.

// Values are single-quoted by core's shellQuote, the one shell quoting of the repository.
import { shellQuote as shq } from '@chatops/core';

/** A here-document delimiter that does not occur in `body`. */
function delimiter(body: string, base: string): string {
  let d = base;
  for (let i = 0; body.includes(d); i++) d = `${base}_${i}`;
  return d;
}

export function heredoc(body: string, base = '__CHATOPS_EOF__'): string {
  const d = delimiter(body, base);
  return `<<'${d}'\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}${d}`;
}

export interface InspectFile {
  readonly path: string;
  readonly sha256: string;
  /** Secret contents never leave the node, even when they differ. */
  readonly secret: boolean;
}

export interface SecretProbe {
  readonly path: string;
  readonly user: string;
}

export interface InspectRequest {
  readonly stateDir: string;
  readonly files: readonly InspectFile[];
  readonly binaries: readonly string[];
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly secrets: readonly SecretProbe[];
  /** Bytes about to be written (free space must exceed twice this, for the staged and previous copies). */
  readonly bytes: number;
}

/**
 * One round trip: hash/mode/owner of every managed file (contents of differing non-secret files, for diffs), the
 * state file and journal deploy left there, and every preflight fact.
 */
export function inspectScript(r: InspectRequest): string {
  const list = r.files.map((f) => `${f.path}\t${f.sha256}\t${f.secret ? 1 : 0}`).join('\n');
  return `set -u
export LC_ALL=C
D=${shq(r.stateDir)}
printf 'U\\t%s\\t%s\\n' "$(id -u)" "$(id -un)"
declare -A want secret
paths=()
while IFS=$'\\t' read -r p h s; do [ -n "$p" ] || continue; want[$p]=$h; secret[$p]=$s; paths+=("$p"); done ${heredoc(list)}
present=()
for p in "\${paths[@]}"; do if [ -f "$p" ]; then present+=("$p"); else printf 'F\\t%s\\t-\\n' "$p"; fi; done
if [ \${#present[@]} -gt 0 ]; then
  declare -A got
  while read -r h p; do got[$p]=$h; done < <(sha256sum -- "\${present[@]}")
  while IFS=$'\\t' read -r p m u g; do
    printf 'F\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$p" "\${got[$p]}" "$m" "$u" "$g"
    if [ "\${got[$p]}" != "\${want[$p]}" ] && [ "\${secret[$p]}" = 0 ]; then printf 'C\\t%s\\t' "$p"; base64 -w0 -- "$p"; echo; fi
  done < <(stat -c $'%n\\t%a\\t%U\\t%G' -- "\${present[@]}")
fi
if [ -f "$D/state" ]; then printf 'S\\t'; base64 -w0 "$D/state"; echo; fi
for j in "$D"/journal/*; do [ -f "$j" ] && { printf 'J\\t%s\\t' "\${j##*/}"; base64 -w0 "$j"; echo; }; done
for b in ${r.binaries.map(shq).join(' ')}; do
  case "$b" in /*) [ -x "$b" ] || printf 'P\\tbinary\\t%s\\n' "$b" ;; *) command -v "$b" >/dev/null 2>&1 || printf 'P\\tbinary\\t%s\\n' "$b" ;; esac
done
for u in ${r.users.map(shq).join(' ')}; do getent passwd "$u" >/dev/null || printf 'P\\tuser\\t%s\\n' "$u"; done
for g in ${r.groups.map(shq).join(' ')}; do getent group "$g" >/dev/null || printf 'P\\tgroup\\t%s\\n' "$g"; done
while IFS=$'\\t' read -r p u; do
  [ -n "$p" ] || continue
  if [ ! -f "$p" ]; then printf 'P\\tsecret-missing\\t%s\\t%s\\n' "$p" "$u"; continue; fi
  read -r m o g < <(stat -c '%a %U %G' -- "$p")
  if (( 8#$m & 4 )); then printf 'P\\tsecret-world-readable\\t%s\\t%s\\t%s\\n' "$p" "$u" "$m"; fi
  ok=0
  if [ "$u" = root ] || { [ "$o" = "$u" ] && (( 8#$m & 0400 )); }; then ok=1
  elif (( 8#$m & 040 )) && id -nG "$u" 2>/dev/null | tr ' ' '\\n' | grep -qxF -- "$g"; then ok=1; fi
  [ $ok = 1 ] || printf 'P\\tsecret-unreadable\\t%s\\t%s\\t%s %s:%s\\n' "$p" "$u" "$m" "$o" "$g"
done ${heredoc(r.secrets.map((s) => `${s.path}\t${s.user}`).join('\n'), '__SECRETS__')}
d=$D; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
avail=$(df -Pk -- "$d" | awk 'NR==2 {print $4}')
need=$(( (${r.bytes} * 2) / 1024 + 1024 ))
[ "$avail" -ge "$need" ] || printf 'P\\tspace\\t%s\\t%s\\t%s\\n' "$d" "$avail" "$need"
exit 0
`;
}

export interface RemoteFile {
  readonly path: string;
  /** Undefined when the file does not exist. */
  readonly sha256?: string;
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
}

export interface PreflightFact {
  readonly kind: 'binary' | 'user' | 'group' | 'secret-missing' | 'secret-world-readable' | 'secret-unreadable' | 'space';
  readonly fields: readonly string[];
}

export interface InspectResult {
  readonly uid: number;
  readonly user: string;
  readonly files: ReadonlyMap<string, RemoteFile>;
  /** Current contents of non-secret files whose hash differs from the desired one. */
  readonly contents: ReadonlyMap<string, string>;
  /** The state file: what deploy last applied, per path. */
  readonly state: ReadonlyMap<string, StateEntry>;
  /** Journals of interrupted phases, by phase. */
  readonly journals: ReadonlyMap<string, Journal>;
  readonly preflight: readonly PreflightFact[];
}

/** What an apply step promised to do before it swapped files in: replayed when the run died midway. */
export interface Journal {
  readonly phase: string;
  readonly daemonReload: boolean;
  readonly units: readonly { readonly unit: string; readonly action: 'reload' | 'restart' }[];
}

export function parseInspect(stdout: string): InspectResult {
  let uid = -1;
  let user = '';
  const files = new Map<string, RemoteFile>();
  const contents = new Map<string, string>();
  let state = new Map<string, StateEntry>();
  const journals = new Map<string, Journal>();
  const preflight: PreflightFact[] = [];
  for (const line of stdout.split('\n')) {
    const [tag, ...f] = line.split('\t');
    if (tag === 'U') {
      uid = Number(f[0]);
      user = f[1] ?? '';
    } else if (tag === 'F') {
      const [path, sha, mode, owner, group] = f as [string, string, string?, string?, string?];
      files.set(path, sha === '-' ? { path } : { path, sha256: sha, mode: mode?.padStart(4, '0'), owner, group });
    } else if (tag === 'C') {
      contents.set(f[0]!, Buffer.from(f[1] ?? '', 'base64').toString('utf8'));
    } else if (tag === 'S') {
      state = parseState(Buffer.from(f[0] ?? '', 'base64').toString('utf8'));
    } else if (tag === 'J') {
      try {
        journals.set(f[0]!, JSON.parse(Buffer.from(f[1] ?? '', 'base64').toString('utf8')) as Journal);
      } catch {
        // A journal torn by a crash before its rename cannot exist (it is renamed into place); ignore junk.
      }
    } else if (tag === 'P') {
      preflight.push({ kind: f[0] as PreflightFact['kind'], fields: f.slice(1) });
    }
  }
  if (uid < 0) throw new Error(`unexpected answer from the node:\n${stdout.slice(0, 500)}`);
  return { uid, user, files, contents, state, journals, preflight };
}

/**
 * One line of the state file deploy keeps on each node: what it applied. Owners are recorded even where the login
 * user cannot set them (non-root), so the intended owner is checked against the record there.
 */
export interface StateEntry {
  readonly sha256: string;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
}

/** The state file: `sha256 <tab> mode <tab> owner <tab> group <tab> path` per line, sorted by path. */
export function parseState(text: string): Map<string, StateEntry> {
  const m = new Map<string, StateEntry>();
  for (const line of text.split('\n')) {
    const [sha256, mode, owner, group, ...path] = line.split('\t');
    if (sha256 && mode && owner && group && path.length > 0) m.set(path.join('\t'), { sha256, mode, owner, group });
  }
  return m;
}

export function printState(state: ReadonlyMap<string, StateEntry>): string {
  return [...state.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, e]) => `${e.sha256}\t${e.mode}\t${e.owner}\t${e.group}\t${p}\n`)
    .join('');
}

export interface ApplyWrite {
  readonly path: string;
  readonly content: string;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
}

export interface ApplyRequest {
  readonly stateDir: string;
  readonly runId: string;
  readonly phase: string;
  readonly writes: readonly ApplyWrite[];
  readonly checks: readonly { readonly name: string; readonly command: string; readonly args: readonly string[] }[];
  readonly journal: Journal;
  /** Health polls (0.5 s apart) after each reload/restart. */
  readonly healthAttempts: number;
  /** How each fired unit's health is checked (default `systemctl is-active`). */
  readonly health?: Readonly<Record<string, HealthProbe>>;
  /**
   * Units whose reload is proven through HAProxy's runtime API: unit -> admin socket. The worker's pid (`show
   * info`) must change after the reload; unchanged within the health wait = the new config was not loaded.
   */
  readonly reloadProof?: Readonly<Record<string, string>>;
  /**
   * Units of the journal this script does not fire (ChatOps instances rolled one at a time by later round trips).
   * When any, the script leaves the journal and state alone; {@link finishScript} or {@link rollbackScript} ends the step.
   */
  readonly deferred?: readonly string[];
  /** The complete state file after this step. */
  readonly state: string;
}

/**
 * One round trip applying one step on one node:
 * 1. stage every changed file (base64 in the script) under the state dir;
 * 2. write the journal (the reloads this step owes), fsynced, renamed into place;
 * 3. swap each file: previous version copied to `prev/<run>-<phase>/<path>`, new file written as a temp file in
 *    the same directory, chmod (chown when root), fsync, rename over the old one;
 * 4. run the daemon's own checkers against the files at their final paths (swap-check-restore: nothing has been
 *    reloaded yet, so a rejected config is restored before any daemon reads it);
 * 5. daemon-reload when a unit changed, reload/restart each unit in order, wait for `systemctl is-active`;
 * 6. on any failure restore the previous files, daemon-reload again, re-fire the same units so the daemons run
 *    the old config, drop the journal; on success write the state file and drop the journal.
 */
export function applyScript(r: ApplyRequest): string {
  const deferred = new Set(r.deferred ?? []);
  const fired = r.journal.units.filter((u) => !deferred.has(u.unit));
  const stage = `${r.stateDir}/stage/${r.phase}/${r.runId}`;
  const prev = `${r.stateDir}/prev/${r.phase}/${r.runId}`;
  const parts: string[] = [
    `set -u
export LC_ALL=C
D=${shq(r.stateDir)}; S=${shq(stage)}; B=${shq(prev)}; PH=${shq(r.phase)}
umask 022
mkdir -p "$S" "$B" "$D/journal" && chmod 0700 "$D" || exit 20
ROOT=0; [ "$(id -u)" = 0 ] && ROOT=1
ev() { local IFS=$'\\t'; printf 'E\\t%s\\n' "$*"; }
b64() { base64 -w0; }
swapped=()`,
  ];
  r.writes.forEach((w, i) => {
    // The rest of the command goes on the here-document's first line: its body and delimiter follow.
    const [redirect, ...body] = heredoc(
      Buffer.from(w.content, 'utf8')
        .toString('base64')
        .replace(/.{1,76}/g, '$&\n'),
      '__F__',
    ).split('\n');
    parts.push(`base64 -d > "$S/${i}" ${redirect} || { ev fail stage; exit 20; }\n${body.join('\n')}`);
  });
  parts.push(`ev staged ${r.writes.length}
printf '%s' ${shq(JSON.stringify(r.journal))} > "$D/journal/.$PH.tmp" && sync "$D/journal/.$PH.tmp" && mv -f "$D/journal/.$PH.tmp" "$D/journal/$PH" || { ev fail journal; exit 20; }
restore() {
  local p t
  for p in "\${swapped[@]}"; do
    if [ -f "$B$p" ]; then t="\${p%/*}/.chatops-restore.\${p##*/}"; cp -p -- "$B$p" "$t" && sync "$t" && mv -f -- "$t" "$p"
    else rm -f -- "$p"; fi
    ev restored "$p"
  done
}
swap() {
  local i=$1 p=$2 m=$3 o=$4 g=$5 d t
  d=\${p%/*}; mkdir -p -- "$d" "$B$d" || return 1
  if [ -f "$p" ]; then cp -p -- "$p" "$B$p" || return 1; fi
  t="$d/.chatops-new.\${p##*/}"
  cp -- "$S/$i" "$t" && chmod "$m" "$t" || return 1
  if [ $ROOT = 1 ]; then chown "$o:$g" "$t" || return 1; fi
  sync "$t" && mv -f -- "$t" "$p" || return 1
  swapped+=("$p")
}
rollback() { restore; [ $DR = 1 ] && systemctl daemon-reload; for u in "\${!UNITS[@]}"; do systemctl \${ACTIONS[$u]} "\${UNITS[$u]}" >/dev/null 2>&1 && ev refired "\${UNITS[$u]}"; done; rm -f "$D/journal/$PH"; }
${HEALTHY_FN}
DR=${r.journal.daemonReload ? 1 : 0}
UNITS=(${fired.map((u) => shq(u.unit)).join(' ')})
ACTIONS=(${fired.map((u) => u.action).join(' ')})
PROBES=(${fired.map((u) => shq(probeArgs(r.health?.[u.unit]))).join(' ')})
SOCKS=(${fired.map((u) => shq(r.reloadProof?.[u.unit] ?? '')).join(' ')})
${RELOAD_PROOF_FN}`);
  r.writes.forEach((w, i) =>
    parts.push(
      `swap ${i} ${shq(w.path)} ${w.mode} ${shq(w.owner)} ${shq(w.group)} || { ev fail swap ${shq(w.path)}; UNITS=(); rollback; exit 21; }; ev swapped ${shq(w.path)}`,
    ),
  );
  for (const c of r.checks) {
    parts.push(
      `out=$(${[c.command, ...c.args].map(shq).join(' ')} 2>&1) || { ev check-failed ${shq(c.name)} "$(printf '%s' "$out" | b64)"; UNITS=(); rollback; exit 10; }; ev checked ${shq(c.name)}`,
    );
  }
  parts.push(`if [ $DR = 1 ]; then out=$(systemctl daemon-reload 2>&1) || { ev unit-failed daemon-reload "$(printf '%s' "$out" | b64)"; rollback; exit 11; }; ev daemon-reload; fi
for i in "\${!UNITS[@]}"; do
  u=\${UNITS[$i]}; a=\${ACTIONS[$i]}
  pre=""; [ -n "\${SOCKS[$i]}" ] && pre=$(hap_pid "\${SOCKS[$i]}")
  out=$(systemctl "$a" "$u" 2>&1) || { ev unit-failed "$a $u" "$(printf '%s' "$out" | b64)"; rollback; exit 11; }
  ev fired "$a" "$u"
  if [ -n "$pre" ]; then took_effect "\${SOCKS[$i]}" "$pre" ${r.healthAttempts} || { ev unhealthy "$u" "$(printf '%s\n' "HAProxy's runtime API still reports worker pid $pre: the $a did not take effect" | b64)"; rollback; exit 12; }; fi
  healthy "$u" ${r.healthAttempts} "\${PROBES[$i]}" || { ev unhealthy "$u" "$(health_detail "$u" | b64)"; rollback; exit 12; }
  ev healthy "$u" "$HOW"
done
${
  deferred.size > 0
    ? `# Files are in place; the deferred units are fired one at a time by later round trips, which end the step.
ev pending
exit 0
`
    : ''
}printf '%s' ${shq(r.state)} > "$D/.state.tmp" && sync "$D/.state.tmp" && mv -f "$D/.state.tmp" "$D/state" || { ev fail state; exit 22; }
rm -f "$D/journal/$PH"; rm -rf -- "$S"
# Keep only this run's previous versions of this phase's files.
for x in "$D/prev/$PH"/*; do [ "$x" = "$B" ] || rm -rf -- "$x"; done
ev done
exit 0`);
  return `${parts.join('\n')}\n`;
}

export interface ApplyEvent {
  readonly kind: string;
  readonly fields: readonly string[];
}

export function parseEvents(stdout: string): ApplyEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('E\t'))
    .map((l) => {
      const [, kind, ...fields] = l.split('\t');
      return { kind: kind!, fields };
    });
}

/**
 * How to tell that a unit is healthy after a reload/restart: the service's own health endpoint over TLS, verified
 * with our CA, reached at the node's address with the certificate's name (SNI). Without a probe, or on a node
 * without `curl`, `systemctl is-active`.
 */
export interface HealthProbe {
  /** Name on the service's certificate (SNI and verified host). */
  readonly serverName: string;
  readonly address: string;
  readonly port: number;
  readonly path: string;
  /** Host header, when the service routes on it. @default serverName */
  readonly host?: string;
  /** HTTP statuses that mean healthy (e.g. 401: up, but behind basic auth). */
  readonly ok: readonly number[];
  /** Our CA bundle on the node. */
  readonly caFile: string;
  /** A client certificate and key from our CA on the node, for a service that requires one (mutual TLS). @default none */
  readonly client?: { readonly certFile: string; readonly keyFile: string };
}

/** Arguments of the health function in the node scripts: empty for `systemctl is-active`. */
function probeArgs(p: HealthProbe | undefined): string {
  if (!p) return '';
  return [
    p.ok.join('|'),
    p.caFile,
    `${p.serverName}:${p.port}:${p.address}`,
    p.host ?? p.serverName,
    `https://${p.serverName}:${p.port}${p.path}`,
    // Last: empty fields would collapse (tab is IFS white space).
    ...(p.client ? [p.client.certFile, p.client.keyFile] : []),
  ].join('\t');
}

/**
 * `healthy <unit> <attempts> <probe>`: polls 0.5 s apart until healthy, sets HOW; `health_detail <unit>` explains a
 * failure. A probe is `ok-statuses<TAB>ca<TAB>resolve<TAB>host<TAB>url[<TAB>client-cert<TAB>client-key]`.
 */
const HEALTHY_FN = `healthy() {
  local u=$1 n=$2 probe=$3 i code ok ca res host url cert key
  if [ -n "$probe" ] && command -v curl >/dev/null 2>&1; then
    IFS=$'\\t' read -r ok ca res host url cert key <<<"$probe"; HOW="$url"
    local client=()
    [ -n "$cert" ] && client=(--cert "$cert" --key "$key")
    for i in $(seq 1 "$n"); do
      code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$ca" "\${client[@]}" --resolve "$res" -H "Host: $host" "$url" 2>/dev/null)
      [[ "$code" =~ ^($ok)$ ]] && return 0
      sleep 0.5
    done
    LAST="$url answered \${code:-nothing}"; return 1
  fi
  HOW=is-active
  for i in $(seq 1 "$n"); do systemctl is-active --quiet "$u" && return 0; sleep 0.5; done
  LAST=""; return 1
}
health_detail() { [ -n "\${LAST:-}" ] && echo "$LAST"; systemctl status "$1" 2>&1 | tail -n 5; }`;

/**
 * `hap_pid <socket>`: the pid of the HAProxy worker answering on its admin socket (empty when unreachable).
 * `took_effect <socket> <old pid> <attempts>`: polls 0.5 s apart until a different worker answers (event
 * `reloaded`); a socket that stops answering (e.g. re-created with other permissions) is `reload-unverified`, not
 * a failure; the old pid throughout is a failure.
 */
const RELOAD_PROOF_FN = `hap_pid() { [ -S "$1" ] || return 0; perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 0; print $s "show info\\n"; print while <$s>;' "$1" 2>/dev/null | awk -F': ' '$1 == "Pid" { print $2; exit }'; }
took_effect() {
  local sock=$1 old=$2 n=$3 i now=""
  for i in $(seq 1 "$n"); do
    now=$(hap_pid "$sock")
    if [ -n "$now" ] && [ "$now" != "$old" ]; then ev reloaded "$sock" "worker $old -> $now"; return 0; fi
    sleep 0.5
  done
  if [ -z "$now" ]; then ev reload-unverified "$sock"; return 0; fi
  return 1
}`;

function preamble(stateDir: string, phase: string, runId: string): string {
  return `set -u
export LC_ALL=C
D=${shq(stateDir)}; PH=${shq(phase)}; B=${shq(`${stateDir}/prev/${phase}/${runId}`)}; S=${shq(`${stateDir}/stage/${phase}/${runId}`)}
ev() { local IFS=$'\\t'; printf 'E\\t%s\\n' "$*"; }
b64() { base64 -w0; }`;
}

/** One round trip: fire one deferred unit (a ChatOps instance) and wait until it is healthy. Exit 11/12 on failure. */
export function fireScript(r: {
  stateDir: string;
  phase: string;
  runId: string;
  unit: string;
  action: 'reload' | 'restart';
  healthAttempts: number;
  probe?: HealthProbe;
}): string {
  return `${preamble(r.stateDir, r.phase, r.runId)}
${HEALTHY_FN}
u=${shq(r.unit)}
out=$(systemctl ${r.action} "$u" 2>&1) || { ev unit-failed ${shq(`${r.action} ${r.unit}`)} "$(printf '%s' "$out" | b64)"; exit 11; }
ev fired ${r.action} "$u"
healthy "$u" ${r.healthAttempts} ${shq(probeArgs(r.probe))} || { ev unhealthy "$u" "$(health_detail "$u" | b64)"; exit 12; }
ev healthy "$u" "$HOW"
exit 0
`;
}

/** One round trip ending a step whose units were fired one at a time: state written, journal dropped. */
export function finishScript(r: { stateDir: string; phase: string; runId: string; state: string }): string {
  return `${preamble(r.stateDir, r.phase, r.runId)}
printf '%s' ${shq(r.state)} > "$D/.state.tmp" && sync "$D/.state.tmp" && mv -f "$D/.state.tmp" "$D/state" || { ev fail state; exit 22; }
rm -f "$D/journal/$PH"; rm -rf -- "$S"
for x in "$D/prev/$PH"/*; do [ "$x" = "$B" ] || rm -rf -- "$x"; done
ev done
exit 0
`;
}

/**
 * One round trip undoing a step whose deferred units failed: the step's files back to their previous versions
 * (kept under prev/<phase>/<run>), daemon-reload when units changed, the given units fired again on the old files.
 */
export function rollbackScript(r: {
  stateDir: string;
  phase: string;
  runId: string;
  paths: readonly string[];
  daemonReload: boolean;
  units: readonly { unit: string; action: string }[];
}): string {
  return `${preamble(r.stateDir, r.phase, r.runId)}
for p in ${r.paths.map(shq).join(' ')}; do
  if [ -f "$B$p" ]; then t="\${p%/*}/.chatops-restore.\${p##*/}"; cp -p -- "$B$p" "$t" && sync "$t" && mv -f -- "$t" "$p"
  else rm -f -- "$p"; fi
  ev restored "$p"
done
${r.daemonReload ? 'systemctl daemon-reload' : ':'}
${r.units.map((u) => `systemctl ${u.action} ${shq(u.unit)} >/dev/null 2>&1 && ev refired ${shq(u.unit)}`).join('\n')}
rm -f "$D/journal/$PH"
exit 0
`;
}

/**
 * One round trip on a load balancer: `set server <backend>/<server> state drain|ready` through HAProxy's admin
 * socket (a few lines of Perl: perl-base is Essential on Debian, HAProxy ships no socket client). `drain` then waits
 * (bounded) until the server has no current sessions; `ready` until HAProxy's checks report it UP. A missing socket
 * or an unknown server (HAProxy not deployed yet, or the instance is new) is reported as `lb-absent`, not a failure.
 */
export function haproxyServerScript(r: {
  socket: string;
  backend: string;
  server: string;
  state: 'drain' | 'ready';
  attempts: number;
}): string {
  const target = `${r.backend}/${r.server}`;
  return `set -u
export LC_ALL=C
ev() { local IFS=$'\\t'; printf 'E\\t%s\\n' "$*"; }
SOCK=${shq(r.socket)}
hap() { perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "cannot connect to $ARGV[0]: $!\\n"; print $s "$ARGV[1]\\n"; print while <$s>;' "$SOCK" "$1"; }
field() { hap 'show stat' | awk -F, -v b=${shq(r.backend)} -v s=${shq(r.server)} -v f="$1" '$1 == b && $2 == s { print $f; exit }'; }
[ -S "$SOCK" ] || { ev lb-absent ${shq(target)} "no admin socket $SOCK"; exit 0; }
out=$(hap ${shq(`set server ${target} state ${r.state}`)} 2>&1) || { ev lb-failed ${shq(target)} "$out"; exit 13; }
case "$out" in *'No such'*|*'not found'*) ev lb-absent ${shq(target)} "$(printf '%s' "$out" | head -n 1)"; exit 0 ;; esac
[ -z "$(printf '%s' "$out" | tr -d '[:space:]')" ] || { ev lb-failed ${shq(target)} "$(printf '%s' "$out" | head -n 1)"; exit 13; }
for i in $(seq 1 ${r.attempts}); do
  ${r.state === 'drain' ? `v=$(field 5); [ "\${v:-0}" = 0 ] && { ev drained ${shq(target)}; exit 0; }` : `v=$(field 18); case "$v" in UP|'no check') ev ready ${shq(target)}; exit 0 ;; esac`}
  sleep 0.5
done
ev lb-timeout ${shq(target)} ${r.state} "$v"
exit 14
`;
}
