/**
 * Validation of launch/attach arguments against the one schema
 * (adapter/launchSchema.json), which package.json's
 * contributes.debuggers[].configurationAttributes and the README repeat
 * (a test keeps them in step).
 */
import * as path from 'node:path';
import schemaJson from './launchSchema.json';
import { DapError, ErrorId } from './errorIds';

export interface JsonSchema {
  type?: 'string' | 'object' | 'array' | 'boolean' | 'number';
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  enum?: string[];
  default?: unknown;
  description?: string;
}

export const launchSchema = schemaJson as JsonSchema;

export interface LaunchConfig {
  coreDump: string;
  program?: string;
  modules: Record<string, string>;
  debugFiles: string[];
  symbolSearchPaths: string[];
  sourceMap: Record<string, string>;
  /** Wasm source map of the program module (not the path map `sourceMap`). */
  sourceMapFile?: string;
  valueEncoding: 'auto' | 'leb' | 'fixed';
  /** Keys the schema does not know (client bookkeeping keys excluded): reported as a warning. */
  unknownKeys: string[];
}

/** Keys clients add on their own (VS Code, nvim-dap, dap-mode, dape). */
const CLIENT_KEYS = new Set(['type', 'request', 'name', 'noDebug', 'preLaunchTask', 'postDebugTask', 'internalConsoleOptions',
  'debugServer', 'presentation', 'console', 'dap-server-path', 'hostName', 'host', 'port', 'command', 'modes', 'fn']);

/** Check `value` against `schema`; returns the problems found, each naming the key. */
export function checkSchema(value: unknown, schema: JsonSchema, where: string): string[] {
  const problems: string[] = [];
  const t = schema.type;
  if (t === 'string' && typeof value !== 'string') problems.push(`${where} must be a string`);
  else if (t === 'boolean' && typeof value !== 'boolean') problems.push(`${where} must be true or false`);
  else if (t === 'number' && typeof value !== 'number') problems.push(`${where} must be a number`);
  else if (t === 'array') {
    if (!Array.isArray(value)) problems.push(`${where} must be an array`);
    else if (schema.items) value.forEach((v, i) => problems.push(...checkSchema(v, schema.items as JsonSchema, `${where}[${i}]`)));
  } else if (t === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push(`${where} must be an object`);
    else {
      const obj = value as Record<string, unknown>;
      for (const r of schema.required ?? []) if (obj[r] === undefined) problems.push(`${where === '' ? '' : where + '.'}${r} is required`);
      for (const [k, v] of Object.entries(obj)) {
        const sub = schema.properties?.[k] ?? schema.additionalProperties;
        if (sub && v !== undefined) problems.push(...checkSchema(v, sub, where === '' ? k : `${where}.${k}`));
      }
    }
  }
  if (schema.enum && typeof value === 'string' && !schema.enum.includes(value)) {
    problems.push(`${where} must be one of ${schema.enum.map((e) => `"${e}"`).join(', ')} (got "${value}")`);
  }
  return problems;
}

/** Validate and normalise launch arguments; relative paths resolve against `cwd` (or the process's). */
export function parseLaunchArgs(raw: unknown, processCwd: string): LaunchConfig {
  const problems = checkSchema(raw ?? {}, launchSchema, '');
  if (problems.length) {
    throw new DapError(ErrorId.LaunchArguments,
      `invalid launch configuration: ${problems.join('; ')}. ` +
      'Set "coreDump" to the path of the .coredump file and "program" to the .wasm it was taken from.');
  }
  const a = raw as Record<string, unknown>;
  const cwd = typeof a.cwd === 'string' ? path.resolve(processCwd, a.cwd) : processCwd;
  const abs = (p: string): string => path.resolve(cwd, p);
  const modules: Record<string, string> = {};
  for (const [k, v] of Object.entries((a.modules as Record<string, string> | undefined) ?? {})) modules[k] = abs(v);
  const known = new Set(Object.keys(launchSchema.properties ?? {}));
  const unknownKeys = Object.keys(a).filter((k) => !known.has(k) && !CLIENT_KEYS.has(k) && !k.startsWith('__'));
  return {
    coreDump: abs(a.coreDump as string),
    program: typeof a.program === 'string' ? abs(a.program) : undefined,
    modules,
    debugFiles: ((a.debugFiles as string[] | undefined) ?? []).map(abs),
    symbolSearchPaths: ((a.symbolSearchPaths as string[] | undefined) ?? []).map(abs),
    // relative local prefixes resolve like every other path; build-time prefixes stay as written
    sourceMap: Object.fromEntries(Object.entries((a.sourceMap as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k, abs(v)])),
    sourceMapFile: typeof a.sourceMapFile === 'string' ? abs(a.sourceMapFile) : undefined,
    valueEncoding: (a.valueEncoding as LaunchConfig['valueEncoding'] | undefined) ?? 'auto',
    unknownKeys,
  };
}
