import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '@tsdask/dashboard';
import { allowedHostsFor, parseHostHeader, requestRefusal } from '../src/origin.js';

describe('origin rules', () => {
  it('parses Host headers, IPv6 included, and rejects malformed ones', () => {
    expect(parseHostHeader('LocalHost:8787')).toEqual({ name: 'localhost', port: 8787 });
    expect(parseHostHeader('[::1]:9')).toEqual({ name: '::1', port: 9 });
    expect(parseHostHeader('127.0.0.1')).toEqual({ name: '127.0.0.1', port: undefined });
    for (const bad of ['', ':80', 'localhost:abc', '[::1', 'a:1:2', 'localhost:123456']) expect(parseHostHeader(bad)).toBeUndefined();
  });

  it('knows loopback and wildcard hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'app.localhost']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', 'localhost.example.com']) expect(isLoopbackHost(h)).toBe(false);
    expect(allowedHostsFor(undefined)).toEqual([]);
    expect(allowedHostsFor('0.0.0.0')).toBe('*');
    expect(allowedHostsFor('[FE80::1]')).toEqual(['fe80::1']);
  });

  it('refuses a malformed or missing Host, and checks ports when it knows them', () => {
    expect(requestRefusal({}, [], 8787)).toMatch(/missing or malformed/);
    expect(requestRefusal({ host: 'localhost:abc' }, [], 8787)).toMatch(/missing or malformed/);
    expect(requestRefusal({ host: 'localhost:8787' }, [], 8787)).toBeUndefined();
    expect(requestRefusal({ host: 'localhost:8788' }, [], 8787)).toMatch(/not this dashboard's address/);
    expect(requestRefusal({ host: 'localhost:8787', origin: 'http://localhost:8788' }, [], 8787)).toMatch(/Origin/);
    expect(requestRefusal({ host: 'localhost:8787', origin: 'http://localhost:8788' }, [], undefined)).toBeUndefined();
  });
});
