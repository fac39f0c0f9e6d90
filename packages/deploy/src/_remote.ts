// Bash scripts deploy sends to nodes (one script = one round trip) and the parsers of their output. Output is
// tab-separated records, one per line; file contents travel base64-encoded so no byte can break the framing.

/** Single-quotes a value for bash. */
export function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

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
  /** Units to wait for (`systemctl is-active`) after their reload/restart. */
  readonly healthAttempts: number;
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
    const [redirect, ...body] = heredoc(Buffer.from(w.content, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\n'), '__F__').split('\n');
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
DR=${r.journal.daemonReload ? 1 : 0}
UNITS=(${r.journal.units.map((u) => shq(u.unit)).join(' ')})
ACTIONS=(${r.journal.units.map((u) => u.action).join(' ')})`);
  r.writes.forEach((w, i) =>
    parts.push(`swap ${i} ${shq(w.path)} ${w.mode} ${shq(w.owner)} ${shq(w.group)} || { ev fail swap ${shq(w.path)}; UNITS=(); rollback; exit 21; }; ev swapped ${shq(w.path)}`),
  );
  for (const c of r.checks) {
    parts.push(`out=$(${[c.command, ...c.args].map(shq).join(' ')} 2>&1) || { ev check-failed ${shq(c.name)} "$(printf '%s' "$out" | b64)"; UNITS=(); rollback; exit 10; }; ev checked ${shq(c.name)}`);
  }
  parts.push(`if [ $DR = 1 ]; then out=$(systemctl daemon-reload 2>&1) || { ev unit-failed daemon-reload "$(printf '%s' "$out" | b64)"; rollback; exit 11; }; ev daemon-reload; fi
for i in "\${!UNITS[@]}"; do
  u=\${UNITS[$i]}; a=\${ACTIONS[$i]}
  out=$(systemctl "$a" "$u" 2>&1) || { ev unit-failed "$a $u" "$(printf '%s' "$out" | b64)"; rollback; exit 11; }
  ev fired "$a" "$u"
  ok=0
  for n in $(seq 1 ${r.healthAttempts}); do if systemctl is-active --quiet "$u"; then ok=1; break; fi; sleep 0.5; done
  [ $ok = 1 ] || { ev unhealthy "$u" "$(systemctl status "$u" 2>&1 | tail -n 5 | b64)"; rollback; exit 12; }
  ev healthy "$u"
done
printf '%s' ${shq(r.state)} > "$D/.state.tmp" && sync "$D/.state.tmp" && mv -f "$D/.state.tmp" "$D/state" || { ev fail state; exit 22; }
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
