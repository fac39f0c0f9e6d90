import { readFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { LOOPBACK_PASSWORDS } from '@chatops/testing';

/**
 * STAND-INS for the daemons that cannot be installed here (Grafana, Elasticsearch, Kibana, Logstash, cAdvisor,
 * systemd_exporter, the ChatOps app in Docker). Each listens where the deployed files say the real one would,
 * with the certificate deploy put on its node, and answers just what the stack asks of it.
 */
export interface StandIn {
  readonly name: string;
  stop(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

const PROMETHEUS_AUTH = `Basic ${Buffer.from(`prometheus:${LOOPBACK_PASSWORDS.prometheus}`).toString('base64')}`;

async function listen(name: string, server: Server, host: string, port: number): Promise<StandIn> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`stand-in ${name} cannot listen on ${host}:${port}: ${e.message}`)));
    server.listen(port, host, resolve);
  });
  return {
    name,
    stop: () =>
      new Promise<void>((resolve) => {
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const tls = (files: TlsFiles) => ({ cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) });

function text(res: ServerResponse, status: number, body: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}

/**
 * An HTTPS service (Grafana, Kibana, Elasticsearch) answering every path with its name; `/api/health` and the like
 * 200. With `clientCaFile` it requires a client certificate chaining to that CA, as Kibana's
 * `server.ssl.clientAuthentication: required` and Elasticsearch's `client_authentication: required` do.
 */
export function httpsService(
  name: string,
  host: string,
  port: number,
  files: TlsFiles,
  options: { auth?: boolean; clientCaFile?: string } = {},
): Promise<StandIn> {
  const handler: Handler = (req, res) => {
    if (options.auth && !req.headers.authorization) {
      res.writeHead(401, { 'www-authenticate': `Basic realm="${name}"` }).end();
      return;
    }
    text(res, 200, JSON.stringify({ standIn: name, path: req.url }), 'application/json');
  };
  const mutual = options.clientCaFile ? { ca: readFileSync(options.clientCaFile), requestCert: true, rejectUnauthorized: true } : {};
  const server = createHttpsServer({ ...tls(files), ...mutual }, handler);
  server.keepAliveTimeout = 500;
  return listen(name, server, host, port);
}

/** A TLS socket that completes the handshake and closes (the Logstash beats input, as the probes see it). */
export function tlsListener(name: string, host: string, port: number, files: TlsFiles): Promise<StandIn> {
  const server = createTlsServer(tls(files), (socket) => socket.end());
  return listen(name, server, host, port);
}

/** One ChatOps app instance (the container `docker run --publish host:port:3000` would start): plain HTTP. */
export function chatopsApp(name: string, host: string, port: number): Promise<StandIn> {
  const server = createHttpServer((req, res) => text(res, 200, JSON.stringify({ standIn: name, path: req.url }), 'application/json'));
  server.keepAliveTimeout = 500;
  return listen(name, server, host, port);
}

/** cAdvisor on the node's local address: `container_last_seen` for each container `running()` lists. */
export function cadvisor(name: string, host: string, port: number, running: () => readonly string[]): Promise<StandIn> {
  const server = createHttpServer((req, res) => {
    if (req.url !== '/metrics') return text(res, 404, 'not found');
    const now = Math.floor(Date.now() / 1000);
    text(
      res,
      200,
      running()
        .map((c) => `container_last_seen{id="/docker/${c}",image="chatops",name="${c}"} ${now}\n`)
        .join(''),
    );
  });
  return listen(name, server, host, port);
}

/** systemd_exporter over TLS with the Prometheus account's basic auth: each unit active unless `inactive()` lists it. */
export function systemdExporter(
  name: string,
  host: string,
  port: number,
  files: TlsFiles,
  units: readonly string[],
  inactive: () => readonly string[],
): Promise<StandIn> {
  const server = createHttpsServer(tls(files), (req, res) => {
    if (req.headers.authorization !== PROMETHEUS_AUTH) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="systemd_exporter"' }).end();
      return;
    }
    if (req.url !== '/metrics') return text(res, 404, 'not found');
    const down = new Set(inactive());
    const lines = units.flatMap((u) => {
      const state = down.has(u) ? 'inactive' : 'active';
      return ['active', 'failed', 'inactive'].map(
        (s) => `systemd_unit_state{name="${u}",state="${s}",type="service"} ${s === state ? 1 : 0}`,
      );
    });
    text(res, 200, `${lines.join('\n')}\n`);
  });
  return listen(name, server, host, port);
}
