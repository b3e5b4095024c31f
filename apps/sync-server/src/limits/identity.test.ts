import { describe, expect, it } from 'vitest';
import { OPEN_USER } from '../auth/roles.js';
import { quotaIdentity } from './identity.js';

describe('quotaIdentity', () => {
  it('is the token’s user in token mode, wherever the request comes from', () => {
    const ana = { id: 'ana', name: 'Ana', roles: { '*': 'editor' as const } };
    expect(quotaIdentity(ana, '10.0.0.1')).toBe('user:ana');
    expect(quotaIdentity(ana, '10.0.0.2')).toBe('user:ana');
  });

  it('is the address in open mode, an IPv6 client counting as its /64', () => {
    expect(quotaIdentity(OPEN_USER, '192.168.1.20')).toBe('address:192.168.1.20');
    expect(quotaIdentity(OPEN_USER, '::ffff:192.168.1.20')).toBe('address:192.168.1.20');
    expect(quotaIdentity(OPEN_USER, '2001:db8:1:2:aaaa::1')).toBe('address:2001:db8:1:2::/64');
    expect(quotaIdentity(OPEN_USER, '2001:db8:1:2:ffff:eeee:dddd:cccc')).toBe('address:2001:db8:1:2::/64');
    expect(quotaIdentity(OPEN_USER, '2001:db8::1')).toBe('address:2001:db8:0:0::/64');
    expect(quotaIdentity(OPEN_USER, 'fe80::1%eth0')).toBe('address:fe80:0:0:0::/64');
    expect(quotaIdentity(OPEN_USER, '::1')).toBe('address:0:0:0:0::/64');
    expect(quotaIdentity(OPEN_USER, undefined)).toBe('address:unknown');
  });
});
