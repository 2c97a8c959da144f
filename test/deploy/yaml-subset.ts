/**
 * A strict reader for the small part of YAML our Kubernetes manifests use (no YAML parser is a
 * dependency): `---` between documents, `#` comments on their own lines, block mappings
 * (`key: value`, `key:` then a deeper block), block sequences (`- value`, `- key: value` starting
 * a mapping), flow sequences of quoted strings (`['a', "b"]`), and scalars: single-quoted
 * strings ('' for a quote), double-quoted strings (JSON escapes), integers, true/false, and plain
 * words of [A-Za-z0-9_./:@-]. Anything
 * else (tabs, anchors, multi-line strings, a plain scalar with `: ` or ` #`, odd indentation)
 * throws with the line number, so a manifest that reads here is in a subset any YAML parser reads
 * the same way.
 */

type Value = string | number | boolean | Value[] | { [k: string]: Value };

interface Line {
  n: number;
  indent: number;
  text: string;
}

/** A single- or double-quoted string as the subset allows it. */
const QUOTED = /'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"/g;
const PLAIN = /^[A-Za-z0-9_./@-][A-Za-z0-9_./:@-]*$/;
const KEY = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/;

function fail(n: number, why: string): never {
  throw new Error(`YAML line ${n}: ${why}`);
}

function quoted(text: string, n: number): string {
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) fail(n, `bad single-quoted string ${text}`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  try {
    return JSON.parse(text) as string;
  } catch {
    return fail(n, `bad double-quoted string ${text}`);
  }
}

function scalar(text: string, n: number): Value {
  if (text.startsWith("'")) return quoted(text, n);
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return fail(n, `bad double-quoted string ${text}`);
    }
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) fail(n, `unclosed flow sequence ${text}`);
    const inner = text.slice(1, -1).trim();
    if (inner === '') return [];
    const items = inner.match(QUOTED) ?? [];
    if (items.join(', ') !== inner) fail(n, `a flow sequence here holds quoted strings separated by ", " only: ${text}`);
    return items.map((i) => quoted(i, n));
  }
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (!PLAIN.test(text)) fail(n, `plain scalar '${text}' is outside the subset (quote it)`);
  return text;
}

/** Parses one block starting at lines[i] with exactly `indent`; returns the value and the next index. */
function block(lines: Line[], i: number, indent: number): [Value, number] {
  const first = lines[i]!;
  if (first.text.startsWith('- ') || first.text === '-') {
    const out: Value[] = [];
    while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
      const l = lines[i]!;
      const rest = l.text.slice(2);
      if (KEY.test(rest)) {
        // A mapping inside the item: its first key on the dash line, the others indented to match.
        const sub: Line[] = [{ n: l.n, indent: indent + 2, text: rest }];
        let j = i + 1;
        while (j < lines.length && lines[j]!.indent >= indent + 2) sub.push(lines[j++]!);
        const [v, used] = block(sub, 0, indent + 2);
        if (used !== sub.length) fail(sub[used]!.n, 'unexpected indentation');
        out.push(v);
        i = j;
      } else {
        out.push(scalar(rest, l.n));
        i++;
      }
    }
    return [out, i];
  }
  const out: { [k: string]: Value } = {};
  while (i < lines.length && lines[i]!.indent === indent) {
    const l = lines[i]!;
    const m = KEY.exec(l.text);
    if (m === null) fail(l.n, `expected 'key: value', got '${l.text}'`);
    if (Object.prototype.hasOwnProperty.call(out, m[1]!)) fail(l.n, `duplicate key '${m[1]}'`);
    if (m[2] !== undefined && m[2] !== '') {
      out[m[1]!] = scalar(m[2], l.n);
      i++;
      continue;
    }
    const next = lines[i + 1];
    if (next === undefined || next.indent < indent || (next.indent === indent && !next.text.startsWith('- '))) fail(l.n, `'${m[1]}:' has no value`);
    const [v, j] = block(lines, i + 1, next.indent);
    out[m[1]!] = v;
    i = j;
  }
  if (i < lines.length && lines[i]!.indent > indent) fail(lines[i]!.n, 'unexpected indentation');
  return [out, i];
}

/** The documents of `text`, parsed. */
export function parseYamlSubset(text: string): Value[] {
  const docs: Line[][] = [[]];
  text.split('\n').forEach((raw, idx) => {
    const n = idx + 1;
    if (raw.includes('\t')) fail(n, 'tab character');
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    if (raw === '---') return void docs.push([]);
    if (/\s#/.test(raw.replace(QUOTED, '""'))) fail(n, 'comment after a value');
    const indent = raw.length - raw.trimStart().length;
    docs[docs.length - 1]!.push({ n, indent, text: raw.trim() });
  });
  return docs
    .filter((d) => d.length > 0)
    .map((d) => {
      if (d[0]!.indent !== 0) fail(d[0]!.n, 'a document starts at column 0');
      const [v, used] = block(d, 0, 0);
      if (used !== d.length) fail(d[used]!.n, 'unexpected line');
      return v;
    });
}

export type { Value as YamlValue };
