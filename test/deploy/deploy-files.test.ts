/**
 * The deployment files say only what is true: the Kubernetes manifests (deploy/k8s/) read as YAML
 * (a strict subset, yaml-subset.ts; no YAML parser is a dependency) and fit together (the token
 * Secret's key is what both Deployments read, the Service selects the scheduler's pods and exposes
 * the ports its container opens, the workers dial that Service, every container port is one the
 * command line asks for); every flag in the manifests, the systemd units and the README's
 * several-hosts commands is a flag the named bin lists in its --help; the Dockerfile copies files
 * that exist and its entry point runs the bins package.json declares. Another YAML reader was
 * also run on the manifests once when they were written (python3 -c 'yaml.safe_load_all'), not here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseYamlSubset, type YamlValue } from './yaml-subset.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN_DIR = `${ROOT}packages/scheduler-distributed/dist/bin/`;
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');

type Obj = { [k: string]: YamlValue };
const obj = (v: YamlValue | undefined): Obj => v as Obj;
const arr = (v: YamlValue | undefined): YamlValue[] => v as YamlValue[];

const helpCache = new Map<string, string>();
/** The --help text of a bin (scheduler, worker, dump). */
function help(bin: string): string {
  let text = helpCache.get(bin);
  if (text === undefined) helpCache.set(bin, (text = execFileSync(process.execPath, [`${BIN_DIR}${bin}.js`, '--help'], { encoding: 'utf8' })));
  return text;
}

/** Every `--flag` in `args` is listed in the bin's --help; returns the flags' values by name. */
function checkFlags(bin: string, args: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) continue;
    expect(help(bin), `tsdask-${bin} --help lists ${a}`).toMatch(new RegExp(`^\\s+${a}\\b`, 'm'));
    values.set(a, args[i + 1] ?? '');
  }
  return values;
}

function manifests(): Obj[] {
  const docs: Obj[] = [];
  for (const f of readdirSync(`${ROOT}deploy/k8s`)
    .filter((n) => n.endsWith('.yaml'))
    .sort())
    for (const d of parseYamlSubset(read(`deploy/k8s/${f}`))) docs.push(obj(d));
  return docs;
}

describe('deploy/k8s', () => {
  const docs = manifests();
  const find = (kind: string, name: string): Obj => {
    const d = docs.find((x) => x['kind'] === kind && obj(x['metadata'])['name'] === name);
    expect(d, `${kind} ${name}`).toBeDefined();
    return d!;
  };

  it('has the token Secret, the scheduler Deployment and Service, and the worker Deployment, wired together', () => {
    expect(docs.map((d) => `${String(d['kind'])}/${String(obj(d['metadata'])['name'])}`).sort()).toEqual([
      'Deployment/tsdask-scheduler',
      'Deployment/tsdask-worker',
      'Secret/tsdask-token',
      'Service/tsdask-scheduler',
    ]);
    const secret = find('Secret', 'tsdask-token');
    const tokenKey = Object.keys(obj(secret['stringData']))[0]!;
    const service = find('Service', 'tsdask-scheduler');
    const servicePorts = arr(obj(service['spec'])['ports']).map((p) => obj(p));

    for (const [name, bin] of [
      ['tsdask-scheduler', 'scheduler'],
      ['tsdask-worker', 'worker'],
    ] as const) {
      const dep = obj(find('Deployment', name)['spec']);
      const labels = obj(obj(obj(dep['template'])['metadata'])['labels']);
      for (const [k, v] of Object.entries(obj(obj(dep['selector'])['matchLabels']))) expect(labels[k]).toBe(v);
      const [container] = arr(obj(obj(dep['template'])['spec'])['containers']).map((c) => obj(c));
      const args = arr(container!['args']).map(String);
      expect(args[0]).toBe(bin); // the image's entry point takes the command first
      const flags = checkFlags(bin, args.slice(1));
      const env = arr(container!['env']).map((e) => obj(e));
      const ref = obj(obj(obj(env.find((e) => e['name'] === 'TSDASK_TOKEN')!['valueFrom'])['secretKeyRef']));
      expect([ref['name'], ref['key']]).toEqual(['tsdask-token', tokenKey]);
      const asked = [flags.get('--port'), flags.get('--dashboard-port'), flags.get('--metrics-port')].filter((p) => p !== undefined).map(Number);
      const opened = arr(container!['ports']).map((p) => Number(obj(p)['containerPort']));
      expect(opened.sort()).toEqual(asked.sort());
      if (bin === 'scheduler') {
        for (const [k, v] of Object.entries(obj(obj(service['spec'])['selector']))) expect(labels[k]).toBe(v);
        expect(servicePorts.map((p) => Number(p['targetPort'])).sort()).toEqual(opened.sort());
      } else {
        const sched = `tcp://${String(obj(service['metadata'])['name'])}:${String(servicePorts.find((p) => p['name'] === 'scheduler')!['port'])}`;
        expect(args[1]).toBe(sched);
      }
    }
  });

  it('the subset reader refuses what it does not understand, with the line', () => {
    expect(() => parseYamlSubset('a: b\n\tc: d\n')).toThrow(/line 2: tab/);
    expect(() => parseYamlSubset('a: x: y\n')).toThrow(/line 1: plain scalar 'x: y'/);
    expect(() => parseYamlSubset('a:\nb: 1\n')).toThrow(/line 1: 'a:' has no value/);
    expect(parseYamlSubset("a:\n  - \"x\"\n  - k: 1\n    j: true\nb: [\"p\", 'q''s']\nc: 'it''s'\n")).toEqual([
      { a: ['x', { k: 1, j: true }], b: ['p', "q's"], c: "it's" },
    ]);
  });
});

describe('systemd units, README and Dockerfile', () => {
  it('the systemd units run the bins with flags they take', () => {
    for (const [unit, bin] of [
      ['tsdask-scheduler.service', 'scheduler'],
      ['tsdask-worker.service', 'worker'],
    ] as const) {
      const exec = /^ExecStart=(.*)$/m.exec(read(`deploy/systemd/${unit}`))![1]!.split(/\s+/);
      expect(exec[1]).toBe(`/opt/tsdask/packages/scheduler-distributed/dist/bin/${bin}.js`);
      checkFlags(bin, exec.slice(2));
    }
  });

  it("the README's several-hosts commands use flags the bins take", () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('### Running on several hosts'));
    const sh = /```sh\n([\s\S]*?)```/.exec(section)![1]!.replace(/\\\n/g, ' ');
    let seen = 0;
    for (const line of sh.split('\n')) {
      const m = /^tsdask-(scheduler|worker|dump)\s+(.*)$/.exec(line.trim());
      if (m === null) continue;
      checkFlags(m[1]!, m[2]!.split(/\s+/));
      seen++;
    }
    expect(seen).toBe(2);
  });

  it('the Dockerfile copies files that exist, and its entry point runs the bins package.json declares', () => {
    const docker = read('deploy/Dockerfile');
    for (const m of docker.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)) for (const src of m[1]!.split(/\s+/)) expect(existsSync(`${ROOT}${src}`), src).toBe(true);
    const entry = read('deploy/entrypoint.sh');
    const bins = (JSON.parse(read('packages/scheduler-distributed/package.json')) as { bin: Record<string, string> }).bin;
    for (const [name, path] of Object.entries(bins)) {
      const cmd = name.replace(/^tsdask-/, '');
      const file = path.replace('./dist/bin/', '');
      expect(entry).toContain(`${cmd}) shift; exec node "$BIN/${file}" "$@"`);
      expect(existsSync(`${BIN_DIR}${file}`)).toBe(true);
    }
    expect(entry).toContain('BIN=/app/packages/scheduler-distributed/dist/bin');
  });
});
