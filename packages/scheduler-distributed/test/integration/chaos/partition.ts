/**
 * Chaos support: network partitions with nftables inside a host's namespace. cut() installs a
 * table `tsdask_chaos` that drops every packet to and from the given addresses (silently, as a
 * pulled cable: no reset, so connections hang until a timeout notices); heal() deletes it.
 * nftablesMissing() says why partitions cannot be made here, for the caller to skip with.
 */
import { execFileSync } from 'node:child_process';

const TABLE = 'tsdask_chaos';

/** Runs `nft -f -` with `script` inside namespace `ns`. */
function nft(ns: string, script: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Why nftables cannot be used in namespace `ns` (undefined when it can): tries a cut and a heal. */
export function nftablesMissing(ns: string): string | undefined {
  try {
    cut(ns, ['192.0.2.1']);
    heal(ns);
    return undefined;
  } catch (err) {
    const e = err as { stderr?: Buffer; code?: string };
    if (e.code === 'ENOENT') return 'ip (iproute2) is not installed';
    return `nft (Debian's nftables package) is missing or not allowed: ${String(e.stderr ?? err).trim()}`;
  }
}

/** Drops all traffic between the host of namespace `ns` and `addresses` (IPv4), both ways. */
export function cut(ns: string, addresses: string[]): void {
  const set = `{ ${addresses.join(', ')} }`;
  nft(
    ns,
    `table inet ${TABLE} {
  chain in { type filter hook input priority 0; policy accept; ip saddr ${set} drop; }
  chain out { type filter hook output priority 0; policy accept; ip daddr ${set} drop; }
}
`,
  );
}

/** Removes the partition of namespace `ns` (nothing to do when there is none). */
export function heal(ns: string): void {
  nft(ns, `table inet ${TABLE}\ndelete table inet ${TABLE}\n`);
}
