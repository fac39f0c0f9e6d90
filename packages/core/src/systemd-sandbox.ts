import type { UnitFileInput } from './systemd-unit.js';

type ServiceSection = NonNullable<UnitFileInput['Service']>;

export interface SandboxOptions {
  /** Paths the service may write (`ProtectSystem=strict` makes everything else read-only). @default [] */
  readonly writable?: readonly string[];
  /** Capabilities the service keeps (`CapabilityBoundingSet=`); a non-root service also gets them as ambient. @default [] (none) */
  readonly capabilities?: readonly string[];
  /** Whether the service runs as root and keeps its capabilities as plain root (no ambient set). @default false */
  readonly root?: boolean;
  /** Socket families it may open (`RestrictAddressFamilies=`). @default ['AF_INET', 'AF_INET6', 'AF_UNIX'] */
  readonly addressFamilies?: readonly string[];
  /** `MemoryDenyWriteExecute=`: off for JIT runtimes (JVM, V8). @default true */
  readonly memoryDenyWriteExecute?: boolean;
  /** `PrivateUsers=`: off for services that need their real uid towards other processes (D-Bus, Docker's socket). @default true for a non-root service without capabilities */
  readonly privateUsers?: boolean;
  /** `PrivateDevices=`: off for services that read host devices (disk statistics). @default true */
  readonly privateDevices?: boolean;
  /** `ProtectProc=invisible` + `ProcSubset=pid`: off for services that read host-wide /proc (node_exporter, cAdvisor). @default true */
  readonly hideProc?: boolean;
  /** `ProtectHome=`: `read-only` for services that must read under /root or /home. @default 'yes' */
  readonly protectHome?: 'yes' | 'read-only' | 'tmpfs';
  /** `ProtectControlGroups=`: off for services that read cgroup statistics through a writable path. @default true */
  readonly protectControlGroups?: boolean;
  /** Extra syscall groups denied on top of `@system-service`. @default ['@privileged', '@resources'] */
  readonly denySyscalls?: readonly string[];
  /** System calls allowed beyond `@system-service` (e.g. `chroot` for a daemon that chroots itself). @default [] */
  readonly allowSyscalls?: readonly string[];
  /** `RestrictNamespaces=`: off for services that create namespaces (a container runtime client does not). @default true */
  readonly restrictNamespaces?: boolean;
}

/**
 * systemd sandboxing directives for a `[Service]` section (systemd.exec(5)), from a locked-down default that a
 * unit loosens one documented option at a time. Print them with `printUnitFile` like every other directive;
 * `systemd-analyze security` scores the result (see each unit's budget).
 */
export function sandbox(options: SandboxOptions = {}): ServiceSection {
  const caps = options.capabilities ?? [];
  const hideProc = options.hideProc ?? true;
  const deny = options.denySyscalls ?? ['@privileged', '@resources'];
  return {
    NoNewPrivileges: 'yes',
    ProtectSystem: 'strict',
    ...(options.writable?.length ? { ReadWritePaths: options.writable.join(' ') } : {}),
    ProtectHome: options.protectHome ?? 'yes',
    PrivateTmp: 'yes',
    PrivateDevices: (options.privateDevices ?? true) ? 'yes' : 'no',
    ...((options.privateUsers ?? (!options.root && caps.length === 0)) ? { PrivateUsers: 'yes' } : {}),
    PrivateIPC: 'yes',
    PrivateMounts: 'yes',
    ...(hideProc ? { ProtectProc: 'invisible', ProcSubset: 'pid' } : {}),
    ProtectKernelTunables: 'yes',
    ProtectKernelModules: 'yes',
    ProtectKernelLogs: 'yes',
    ProtectControlGroups: (options.protectControlGroups ?? true) ? 'yes' : 'no',
    ProtectClock: 'yes',
    ProtectHostname: 'yes',
    RestrictAddressFamilies: (options.addressFamilies ?? ['AF_INET', 'AF_INET6', 'AF_UNIX']).join(' '),
    ...((options.restrictNamespaces ?? true) ? { RestrictNamespaces: 'yes' } : {}),
    RestrictRealtime: 'yes',
    RestrictSUIDSGID: 'yes',
    RemoveIPC: 'yes',
    LockPersonality: 'yes',
    MemoryDenyWriteExecute: (options.memoryDenyWriteExecute ?? true) ? 'yes' : 'no',
    SystemCallArchitectures: 'native',
    SystemCallFilter: [['@system-service', ...(options.allowSyscalls ?? [])].join(' '), ...(deny.length ? [`~${deny.join(' ')}`] : [])],
    SystemCallErrorNumber: 'EPERM',
    // An empty list prints `CapabilityBoundingSet=` (no capability at all).
    CapabilityBoundingSet: caps.join(' '),
    ...(caps.length && !options.root ? { AmbientCapabilities: caps.join(' ') } : {}),
    DevicePolicy: 'closed',
    KeyringMode: 'private',
    UMask: '0077',
  };
}
