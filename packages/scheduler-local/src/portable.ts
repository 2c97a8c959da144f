/**
 * Portable functions, the submitting side: a user function runs on a worker thread by shipping
 * its source and compiling it there (the runtime's `compileFunction`), which is only correct
 * when it is self-contained. `checkPortable` parses the source with acorn and reports the first
 * free variable (a name the function reads but neither declares nor finds among the globals).
 */
import * as acorn from 'acorn';
import { functionName, functionSource, isFunctionOp, NotPortableError, type OpId } from '@tsdask/core-graph';
import { expressionSource } from '@tsdask/runtime';

type AstNode = { type: string; [k: string]: unknown };

export interface PortableVerdict {
  ok: boolean;
  reason?: string;
  variable?: string;
}

function parse(source: string): AstNode {
  return acorn.parse(expressionSource(source), { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AstNode;
}

function collectPatternNames(p: AstNode | null | undefined, into: Set<string>): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier':
      into.add(p['name'] as string);
      break;
    case 'ObjectPattern':
      for (const prop of p['properties'] as AstNode[]) {
        if (prop.type === 'RestElement') collectPatternNames(prop['argument'] as AstNode, into);
        else collectPatternNames(prop['value'] as AstNode, into);
      }
      break;
    case 'ArrayPattern':
      for (const el of p['elements'] as (AstNode | null)[]) collectPatternNames(el, into);
      break;
    case 'AssignmentPattern':
      collectPatternNames(p['left'] as AstNode, into);
      break;
    case 'RestElement':
      collectPatternNames(p['argument'] as AstNode, into);
      break;
  }
}

/**
 * Finds names read but never declared. Declarations anywhere in the function count for the
 * whole function (a scope-insensitive approximation that errs toward accepting).
 */
export function freeVariables(source: string): string[] {
  const ast = parse(source);
  const declared = new Set<string>(['arguments', 'undefined', 'this']);
  const used: string[] = [];
  const visit = (node: AstNode, parent: AstNode | undefined, field: string): void => {
    switch (node.type) {
      case 'Identifier': {
        const name = node['name'] as string;
        if (parent) {
          if (
            (parent.type === 'MemberExpression' && field === 'property' && !parent['computed']) ||
            ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') &&
              field === 'key' &&
              !parent['computed']) ||
            parent.type === 'LabeledStatement' ||
            parent.type === 'BreakStatement' ||
            parent.type === 'ContinueStatement' ||
            parent.type === 'MetaProperty'
          ) {
            return;
          }
        }
        used.push(name);
        return;
      }
      case 'VariableDeclarator':
        collectPatternNames(node['id'] as AstNode, declared);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (node['id']) collectPatternNames(node['id'] as AstNode, declared);
        for (const prm of node['params'] as AstNode[]) collectPatternNames(prm, declared);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (node['id']) collectPatternNames(node['id'] as AstNode, declared);
        break;
      case 'CatchClause':
        collectPatternNames(node['param'] as AstNode | null, declared);
        break;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'type' || k === 'start' || k === 'end') continue;
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof (c as AstNode).type === 'string') visit(c as AstNode, node, k);
      } else if (v && typeof v === 'object' && typeof (v as AstNode).type === 'string') {
        visit(v as AstNode, node, k);
      }
    }
  };
  visit(ast, undefined, '');
  const free: string[] = [];
  for (const name of used) {
    if (!declared.has(name) && !(name in globalThis) && !free.includes(name)) free.push(name);
  }
  return free;
}

const verdicts = new Map<string, PortableVerdict>();

/** Whether a function's source can be shipped and compiled on its own (cached per source). */
export function checkPortable(source: string): PortableVerdict {
  let v = verdicts.get(source);
  if (v !== undefined) return v;
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    v = { ok: false, reason: 'it is a native or bound function, whose source is not available' };
  } else {
    try {
      const free = freeVariables(source);
      v =
        free.length === 0
          ? { ok: true }
          : { ok: false, variable: free[0] as string, reason: `it uses the free variable '${free[0]}' (closures and imports do not travel)` };
    } catch (err) {
      v = { ok: false, reason: `its source could not be parsed (${(err as Error).message})` };
    }
  }
  verdicts.set(source, v);
  return v;
}

/**
 * The name the user gave the function: its `name` (`const scale = (v) => ...` names it 'scale',
 * also under tsx), else the name in a `function name(` source, else the start of its source (an
 * arrow's first identifier is a parameter, not a name: `v => v * k` once gave 'v').
 */
function fnName(op: OpId, source: string): string {
  const named = functionName(op);
  if (named !== undefined) return named;
  const m = /^(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/.exec(source.trim());
  if (m?.[1] !== undefined) return m[1];
  const flat = source.replace(/\s+/g, ' ').trim();
  return flat.length > 40 ? `${flat.slice(0, 37)}...` : flat;
}

/**
 * The sources of the user-function ops (`fn:`) among `ops`, each checked portable (what a
 * scheduler that ships source to other threads or processes sends); throws NotPortableError
 * naming the function and its free variable, or saying it is no longer registered.
 */
export function portableSources(ops: Iterable<OpId>): [OpId, string][] {
  const out: [OpId, string][] = [];
  for (const op of ops) {
    if (!isFunctionOp(op)) continue;
    const source = functionSource(op);
    if (source === undefined) throw new NotPortableError(op, 'the function is no longer registered');
    const verdict = checkPortable(source);
    if (!verdict.ok) throw new NotPortableError(fnName(op, source), verdict.reason as string, verdict.variable);
    out.push([op, source]);
  }
  return out;
}
