/** Result of one round trip: a shell script run on the node. */
export interface RemoteResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * How deploy reaches nodes. One `run` is one round trip: a bash script (and its inline data) goes to the node on
 * stdin, its output comes back. Deploy keeps the number of round trips per node and phase small and counts them.
 */
export interface Transport {
  /** Runs `script` with bash on `node`; `label` names the phase in the round-trip counts. */
  run(node: string, script: string, label?: string): Promise<RemoteResult>;
  /** Round trips made so far to `node`, by label (`inspect`, `apply:prometheus`, ...). */
  roundTrips(node: string): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** The node could not be reached (connection refused, authentication, transport died mid-command). */
export class TransportError extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(`${node}: ${message}`);
    this.name = 'TransportError';
  }
}

/** The node presented a host key that the pinned known_hosts does not accept. */
export class HostKeyError extends TransportError {
  constructor(node: string, detail: string) {
    super(node, detail);
    this.name = 'HostKeyError';
  }
}
