/**
 * Test support: "hosts" that are network namespaces (`ip netns`) joined by veth pairs to a bridge
 * in the test's own namespace (where the client runs, at the bridge's address `.254`), and the
 * processes started inside them. Used by netns.test.ts and the chaos tests. Needs root
 * (CAP_NET_ADMIN) and iproute2; makeHosts returns the reason instead when namespaces cannot be made,
 * for the caller to skip with it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One namespace on the bridge. */
export interface Host {
  /** Its role letter, as given to makeHosts. */
  role: string;
  /** The namespace's name (`ip netns`). */
  ns: string;
  /** Its veth on the bridge side; `${veth}p` is the end inside the namespace. */
  veth: string;
  /** Its address on the bridge. */
  ip: string;
}

/** A bridge and its hosts; remove() deletes them all (also safe when half made). */
export interface HostNetwork {
  bridge: string;
  /** The bridge's own address: the test's namespace as seen from the hosts. */
  gateway: string;
  hosts: Host[];
  remove(): void;
}

/** Runs `ip args...`, throwing with ip's stderr on failure. */
export function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** The path of a built bin of this package (`scheduler`, `worker`). */
export function binPath(name: string): string {
  return fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
}

/**
 * Makes a bridge and one namespace per role (`roles` are short letters, e.g. ['s', 'a', 'b']) on
 * subnet `10.<octet>.<pid % 200>.0/24`, hosts at .1, .2, ... in role order. Returns the network,
 * or a string saying why it could not be made (nothing is left behind then).
 */
export function makeHosts(roles: string[], octet: number): HostNetwork | string {
  const tag = `t${process.pid % 100000}`;
  const subnet = `10.${octet}.${process.pid % 200}`;
  const bridge = `tsd${octet % 100}b${tag}`.slice(0, 15);
  const hosts = roles.map((role, i) => ({
    role,
    ns: `tsd-${octet}-${tag}-${role}`,
    veth: `tsd${octet % 100}${tag}${role}`.slice(0, 14),
    ip: `${subnet}.${i + 1}`,
  }));
  const net: HostNetwork = {
    bridge,
    gateway: `${subnet}.254`,
    hosts,
    remove() {
      for (const h of hosts) {
        // The veth pair goes at once with its outer end; with only the namespace deleted it stays
        // as long as the kernel keeps the namespace (its sockets in TIME_WAIT, for a while).
        for (const args of [
          ['link', 'del', h.veth],
          ['netns', 'del', h.ns],
        ]) {
          try {
            ip(...args);
          } catch {
            // not made
          }
        }
      }
      try {
        ip('link', 'del', bridge);
      } catch {
        // not made
      }
    },
  };
  net.remove(); // leftovers of an earlier run with this pid
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
  } catch (err) {
    return `cannot create network namespaces here (need root with CAP_NET_ADMIN and iproute2): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
  try {
    ip('link', 'set', bridge, 'up');
    ip('addr', 'add', `${net.gateway}/24`, 'dev', bridge);
    for (const h of hosts) {
      ip('netns', 'add', h.ns);
      ip('link', 'add', h.veth, 'type', 'veth', 'peer', 'name', `${h.veth}p`);
      ip('link', 'set', `${h.veth}p`, 'netns', h.ns);
      ip('link', 'set', h.veth, 'master', bridge);
      ip('link', 'set', h.veth, 'up');
      ip('-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'dev', `${h.veth}p`);
      ip('-n', h.ns, 'link', 'set', `${h.veth}p`, 'up');
      ip('-n', h.ns, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    net.remove();
    return `setting up network namespaces failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
  return net;
}

/** A process started in a namespace, with the last lines of its output kept for post-mortems. */
export interface HostProcess {
  child: ChildProcess;
  /** The first stdout match of the pattern it was started with. */
  match: RegExpExecArray;
  /** Its last 40 lines of stdout and stderr, oldest first. */
  tail: string[];
}

/**
 * Runs node with `args` inside namespace `ns` (`ip netns exec` execs, so child.pid is node's) and
 * resolves once a stdout line matches `re`; rejects after `timeoutMs` or when it exits first.
 * The child is pushed onto `children` at once, for the caller to kill.
 */
export function startIn(
  ns: string,
  args: string[],
  env: Record<string, string>,
  re: RegExp,
  children: ChildProcess[],
  timeoutMs = 20_000,
): Promise<HostProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const tail: string[] = [];
  const keep = (d: Buffer): void => {
    for (const line of d.toString().split('\n')) if (line !== '') tail.push(line);
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  let out = '';
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no '${re}' line from ${args[0]} in ${ns} within ${timeoutMs} ms; output:\n${tail.join('\n')}`)),
      timeoutMs,
    );
    const onOut = (d: Buffer): void => {
      keep(d);
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onOut);
        child.stdout!.on('data', keep);
        resolve({ child, match: m, tail });
      }
    };
    child.stdout!.on('data', onOut);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} in ${ns} exited (${code ?? signal}) before '${re}'; output:\n${tail.join('\n')}`));
    });
  });
}
