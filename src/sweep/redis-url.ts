/**
 * Redis connection settings from a URL: `redis://[user[:password]@]host[:port][/db]` or the TLS form
 * `rediss://…`. Parsed here (not left to ioredis) so that a bad URL is a one-line InputError naming the
 * flag, TLS gets the right server name for certificate checks, and the password never reaches a log.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import { InputError } from '../errors.js';

export function parseRedisUrl(url: string, field = '--redis'): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(
      `${field} must be a URL such as redis://127.0.0.1:6379 or rediss://:password@host:6380/0 (got "${redactRedisUrl(url)}")`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new InputError(`${field} must start with redis:// or rediss:// (TLS) (got "${u.protocol}//")`);
  }
  if (!u.hostname) throw new InputError(`${field} has no host`);
  const port = u.port ? Number(u.port) : 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`${field} port must be in 1…65535`);
  const opts: RedisOptions = { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  const path = u.pathname.replace(/^\//, '');
  if (path) {
    const db = Number(path);
    if (!Number.isInteger(db) || db < 0 || db > 15 || !/^\d+$/.test(path)) {
      throw new InputError(`${field} database (the path after the host) must be an integer 0…15 (got "${path}")`);
    }
    opts.db = db;
  }
  if (u.protocol === 'rediss:') opts.tls = tlsOptions(opts.host as string);
  return opts;
}

/**
 * Certificates are checked against the host (SNI only for names: TLS forbids IP server names). A
 * private CA comes from FLATLAB_REDIS_CA (a PEM file; NODE_EXTRA_CA_CERTS works too, process-wide).
 */
function tlsOptions(host: string): ConnectionOptions {
  const tls: ConnectionOptions = isIP(host) ? {} : { servername: host };
  const caFile = process.env.FLATLAB_REDIS_CA;
  if (caFile) {
    try {
      tls.ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new InputError(
        `FLATLAB_REDIS_CA: cannot read the CA certificate file ${caFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
  }
  return tls;
}

/** The URL with its password replaced by ***, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}
