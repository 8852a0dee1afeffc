import { describe, expect, it } from 'vitest';
import { jobIdFor } from '../../src/sweep/distributed.js';
import { intFlag, redisUrlFlag } from '../../src/sweep/options.js';
import { parseRedisUrl, redactRedisUrl } from '../../src/sweep/redis-url.js';
import { runCli } from '../cli-helpers.js';

describe('Redis URLs', () => {
  it('parses host, port, user, percent-encoded password and db; rediss:// turns on TLS for the host name', () => {
    expect(parseRedisUrl('redis://10.0.0.5')).toEqual({ host: '10.0.0.5', port: 6379 });
    expect(parseRedisUrl('redis://alice:p%40ss%2Fw@redis.lab:6390/3')).toEqual({
      host: 'redis.lab',
      port: 6390,
      username: 'alice',
      password: 'p@ss/w',
      db: 3,
    });
    expect(parseRedisUrl('rediss://:pw@cache.example.org:6380')).toEqual({
      host: 'cache.example.org',
      port: 6380,
      password: 'pw',
      tls: { servername: 'cache.example.org' },
    });
    // TLS forbids IP addresses as server names; the certificate is then checked against the IP
    expect(parseRedisUrl('rediss://10.1.2.3')).toEqual({ host: '10.1.2.3', port: 6379, tls: {} });
  });

  it('reads a private CA from FLATLAB_REDIS_CA, naming the variable when the file is missing', () => {
    const old = process.env.FLATLAB_REDIS_CA;
    try {
      process.env.FLATLAB_REDIS_CA = '/no/such/ca.pem';
      expect(() => parseRedisUrl('rediss://h')).toThrow(
        'FLATLAB_REDIS_CA: cannot read the CA certificate file /no/such/ca.pem (ENOENT)',
      );
      expect(parseRedisUrl('redis://h')).toEqual({ host: 'h', port: 6379 }); // not needed without TLS
    } finally {
      if (old === undefined) delete process.env.FLATLAB_REDIS_CA;
      else process.env.FLATLAB_REDIS_CA = old;
    }
  });

  it('rejects bad URLs with a message naming --redis and never echoes the password', () => {
    expect(() => parseRedisUrl('http://x')).toThrow(/--redis must start with redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://h/99')).toThrow(/--redis database .* 0…15 \(got "99"\)/);
    expect(() => parseRedisUrl('not a url :secret@')).toThrow(/--redis must be a URL/);
    expect(redactRedisUrl('rediss://bob:hunter2@h:1/0')).toBe('rediss://bob:***@h:1/0');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
  });

  it('makes job ids BullMQ accepts from any trial key, unchanged for hex hashes', () => {
    const hex = 'a3f'.repeat(21);
    expect(jobIdFor(hex)).toBe(hex);
    expect(jobIdFor('12345')).toBe('trial-12345');
    expect(jobIdFor('a:b')).toBe('trial-a_b');
  });

  it('checks integer flags and requires a Redis URL', () => {
    expect(intFlag('4', '--concurrency', 1, 8, 1)).toBe(4);
    expect(intFlag(undefined, '--concurrency', 1, 8, 2)).toBe(2);
    expect(() => intFlag('0', '--concurrency', 1, 8, 1)).toThrow('--concurrency must be an integer in 1…8 (got "0")');
    expect(() => intFlag('2.5', '--attempts', 1, 100, 3)).toThrow(/--attempts/);
    const old = process.env.FLATLAB_REDIS_URL;
    delete process.env.FLATLAB_REDIS_URL;
    try {
      expect(() => redisUrlFlag(undefined)).toThrow(/--redis is required/);
    } finally {
      if (old !== undefined) process.env.FLATLAB_REDIS_URL = old;
    }
  });
});

describe('sweep CLI input errors (exit 2, one line, before touching Redis)', () => {
  it.each([
    [['worker', '--redis', 'redis://127.0.0.1:1', '--concurrency', '0'], /--concurrency must be an integer in 1…256/],
    [['worker', '--redis', 'ftp://h'], /--redis must start with redis:\/\//],
    [['sweep', 'status', '--redis', 'redis://h/x'], /--redis database/],
    [
      ['sweep', 'submit', 'no-such-spec.yaml', '--redis', 'redis://127.0.0.1:1'],
      /study spec not found: no-such-spec\.yaml/,
    ],
  ])('flatlab %j', (args, msg) => {
    const r = runCli(args as string[], { env: { FLATLAB_REDIS_URL: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
