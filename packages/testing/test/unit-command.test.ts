import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, unitCommand } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

describe('unitCommand', () => {
  it('builds ExecStart as systemd does: environment files, drop-ins, specifiers, $VAR split and ${VAR} kept whole', () => {
    using dir = tempDir('unit-command-');
    const root = dir.path;
    const units = join(root, 'etc/systemd/system');
    mkdirSync(join(units, 'app@.service.d'), { recursive: true });
    mkdirSync(join(root, 'etc/default'), { recursive: true });
    writeFileSync(join(root, 'etc/default/app'), '# comment\nARGS="--a=1 --b=two words"\nNAME=\'x y\'\n');
    writeFileSync(
      join(units, 'app@.service'),
      `[Unit]\nDescription=x\n[Service]\nUser=app\nEnvironmentFile=${root}/etc/default/app\nEnvironmentFile=-${root}/etc/default/missing\nExecStart=/bin/app $ARGS --name=\${NAME} --i=%i --pct=100%%\n`,
    );
    writeFileSync(join(units, 'app@.service.d/override.conf'), '[Service]\nExecStart=\nExecStart=-/bin/app2 $ARGS "quoted arg" %I\n');
    const c = unitCommand({ root, unit: 'app@7.service', packageUnitDirs: [] });
    expect(c.fromPackage).toBe(false);
    expect(c.user).toBe('app');
    expect(c.argv).toEqual(['/bin/app2', '--a=1', '--b=two', 'words', 'quoted arg', '7']);
  });

  it("moves a package unit's /etc and /run paths under the node root", () => {
    using dir = tempDir('unit-command-');
    const pkg = join(dir.path, 'lib');
    mkdirSync(pkg);
    writeFileSync(
      join(pkg, 'd.service'),
      '[Service]\nEnvironmentFile=-/etc/default/d\nEnvironment="CONFIG=/etc/d.cfg" "PIDFILE=/run/d.pid"\nExecStart=/usr/sbin/d -f $CONFIG -p $PIDFILE\n',
    );
    const root = join(dir.path, 'node');
    const c = unitCommand({ root, unit: 'd.service', packageUnitDirs: [pkg] });
    expect(c.fromPackage).toBe(true);
    expect(c.argv).toEqual(['/usr/sbin/d', '-f', join(root, 'etc/d.cfg'), '-p', join(root, 'run/d.pid')]);
  });
});
