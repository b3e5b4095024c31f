import net from 'node:net';
import { OPEN_USER, type AuthUser } from '../auth/roles.js';

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const bare = address.split('%')[0]!; // a zone index ("%eth0") says nothing about who it is
  if (!net.isIPv6(bare)) return null;
  let text = bare;
  // A trailing dotted IPv4 part ("::ffff:1.2.3.4") is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Who a request or connection counts as for quotas: the token's user in token mode, the
 * client's address in open mode. An IPv6 client usually holds a whole /64, so it counts
 * as its /64; an IPv4 address written as IPv6 ("::ffff:1.2.3.4") counts as the IPv4 one.
 */
export function quotaIdentity(user: AuthUser, address: string | undefined): string {
  if (user !== OPEN_USER) return `user:${user.id}`;
  if (address === undefined) return 'address:unknown';
  const groups = ipv6Groups(address);
  if (!groups) return `address:${address}`;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `address:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  return `address:${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
