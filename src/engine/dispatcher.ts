// The undici pool a run sends through, and how its errors map to llmperf's stable error kinds.
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import { StreamPool } from './pool.js';

export interface ClientOptions {
  /** Connections per origin: the concurrency, so requests never wait for a socket inside undici. */
  connections: number;
  timeoutMs: number;
  /** No bytes for this long ends the request (undici's body timeout). */
  idleTimeoutMs: number;
  /** Verify TLS certificates (default) or not (--insecure). */
  rejectUnauthorized: boolean;
  /** Opens the connections (connections.ts: some opened before the run); absent: undici's own, with the options above. */
  connector?: buildConnector.connector;
  /** Which of the connector's sockets were opened before the run (no request paid their set-up). */
  isPreopened?: (socket: Socket) => boolean;
}

export function createDispatcher(options: ClientOptions): StreamPool {
  return new StreamPool(options.connections, {
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.idleTimeoutMs,
  }, { connect: options.connector ?? buildConnector(connectOptions(options)), isPreopened: options.isPreopened });
}

/** undici's connector options for a run: TLS verification and the connect timeout. */
export function connectOptions(options: ClientOptions): buildConnector.BuildOptions {
  return { rejectUnauthorized: options.rejectUnauthorized, timeout: Math.min(options.timeoutMs, 10_000) };
}

/** Network errors that mean the connection was gone before the server answered: safe to resend once. */
export const RECONNECTABLE = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);

/** Maps an undici / socket error to a stable error kind. */
export function classifyError(error: Error & { code?: string }, responseStarted: boolean): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection_refused';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect_timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'headers_timeout';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'idle_timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns_error';
    case 'LLMPERF_TIMEOUT':
      return 'timeout';
    case 'LLMPERF_CANCELLED':
      return 'cancelled';
    case 'LLMPERF_CANCELLED_BY_DESIGN':
      return 'cancelled_by_design';
    case 'LLMPERF_STOPPED':
      return 'invalid_payload'; // the state already holds the real kind (first failure wins); this is a fallback
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
    case 'LLMPERF_TOO_LARGE':
      return 'response_too_large';
    default:
      if (error.code && error.code.startsWith('ERR_TLS') || /certificate/i.test(error.message)) return 'tls_error';
      return responseStarted ? 'stream_cut' : 'connection_reset';
  }
}

export function codedError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}
