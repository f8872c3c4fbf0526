#!/usr/bin/env node
/*
 * `cdk8s-matrix-chat`: renders the stack from the reference Helm chart's values files, like
 * `helm template`. Not exported from index.ts (jsii exposes no CLI); the package.json `bin`
 * entry points at lib/cli.js.
 *
 * Exit codes: 0 rendered; 1 the stack fails validation; 2 bad usage, a missing or unreadable
 * values file, or values the mapper rejects. Every problem is one `error:` line on stderr naming
 * the values key; nothing the input holds may end the process any other way (no stack traces).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { UsageError, mergeValues, oneLine, parseSet, readValuesFile, systemReason } from './cli-values';
import { traceHelmValues } from './helm-values';
import { HelmValuesTrace } from './helm-values-reader';
import { MatrixChat } from './matrix-chat';

export { LIMITS, mergeValues, parseSet, readValuesFile } from './cli-values';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** The file written with `-o <dir>`. */
export const OUTPUT_FILE = 'matrix-chat.k8s.yaml';

const VALIDATION_PREFIX = 'Validation failed with the following errors:';

const USAGE = `Usage: cdk8s-matrix-chat synth -f values.yaml [-f more.yaml]... [--set path=value]... [--namespace ns] [-o dir]

Renders the Matrix chat stack from values files of the reference Helm chart, like "helm template".

Options:
  -f, --values FILE      values file (YAML); "-" reads stdin. Repeatable; later files win.
      --set PATH=VALUE   set a value (a.b=c, a.list[0]=x, a={x,y}; several separated by ",").
                         true/false/null and integers are typed, as Helm does. Wins over -f.
      --set-string P=V   like --set, but the value is always a string.
  -n, --namespace NS     namespace of the objects (needed for the Traefik middleware reference).
  -o, --output-dir DIR   write DIR/${OUTPUT_FILE} (replacing it) instead of printing to stdout;
                         DIR is created if missing and must not be a file.
  -h, --help             show this help.
  -v, --version          show the version.

Exit codes: 0 rendered; 1 the stack fails validation; 2 bad flags, missing or unreadable
values file, or unknown/invalid values keys. Every problem is one "error:" line on stderr.
`;


interface Options {
  readonly files: string[];
  readonly sets: Array<{ readonly text: string; readonly typed: boolean }>;
  readonly namespace?: string;
  readonly outputDir?: string;
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit code.
 */
export function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): number {
  try {
    return run(argv, io);
  } catch (error) {
    // A bug of ours, not of the input: still one line, and the exit code of a failed render.
    io.stderr.write(`error: internal error, please report it: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

function run(argv: string[], io: CliIo): number {
  let options: Options | 'help' | 'version';
  let values: Record<string, unknown>;
  try {
    options = parseArgs(argv);
    if (options === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (options === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    values = {};
    for (const file of options.files) values = mergeValues(values, readValuesFile(file));
    for (const set of options.sets) values = mergeValues(values, parseSet(set.text, set.typed));
    checkOutputDir(options.outputDir);
  } catch (error) {
    return usageFailure(io, error);
  }

  let trace: HelmValuesTrace;
  try {
    trace = traceHelmValues(values);
  } catch (error) {
    const problems = (error as { problems?: unknown }).problems;
    if (!Array.isArray(problems)) throw error;
    for (const problem of problems) io.stderr.write(`error: ${oneLine(String(problem))}\n`);
    return 2;
  }
  const mapping = trace.mapping;
  for (const note of mapping.notes) io.stderr.write(`note: ${oneLine(note)}\n`);
  if (!mapping.props) {
    io.stderr.write('note: matrixChat.enabled is not true, so there is nothing to render (the chart renders no Matrix objects either)\n');
    return 0;
  }

  let yaml: string;
  let objectCount: number;
  try {
    const app = new App({ outdir: options.outputDir });
    const chart = new Chart(app, 'matrix-chat', { namespace: options.namespace });
    new MatrixChat(chart, 'matrix-chat', mapping.props);
    yaml = app.synthYaml();
    objectCount = chart.node.findAll().filter((c) => c instanceof ApiObject).length;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lines = message.startsWith(VALIDATION_PREFIX)
      ? message.slice(VALIDATION_PREFIX.length).split('\n').map((l) => l.trim()).filter((l) => l !== '')
      : [message];
    for (const line of lines) io.stderr.write(`error: ${validationLine(line, trace)}\n`);
    return 1;
  }

  if (options.outputDir === undefined) {
    io.stdout.write(yaml);
    return 0;
  }
  const target = path.join(options.outputDir, OUTPUT_FILE);
  try {
    fs.mkdirSync(options.outputDir, { recursive: true });
    fs.writeFileSync(target, yaml, 'utf8');
  } catch (error) {
    return usageFailure(io, new UsageError(`cannot write ${target}: ${systemReason(error)}`));
  }
  io.stderr.write(`wrote ${objectCount} objects to ${target}\n`);
  return 0;
}

/**
 * A MatrixChat validation message (`[construct path] prop.path: what; why. Fix: how.`) restated
 * with the values key the prop came from, the prop path kept as a hint for the "Fix" wording.
 */
function validationLine(line: string, trace: HelmValuesTrace): string {
  const match = /^(?:\[[^\]]*\]\s*)?([A-Za-z][^:]*?): (.*)$/s.exec(line);
  if (!match) return oneLine(line.replace(/^\[[^\]]*\]\s*/, ''));
  const [, propPath, rest] = match;
  const key = trace.valuesKeyOf(propPath);
  return oneLine(key === undefined || key === propPath ? `${propPath}: ${rest}` : `${key}: ${rest} (MatrixChat prop ${propPath})`);
}

/** `-o` names a folder: refused up front when it is a file, or looks like a file name that does not exist yet. */
function checkOutputDir(outputDir: string | undefined): void {
  if (outputDir === undefined) return;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(outputDir);
  } catch {
    stat = undefined;
  }
  const how = `-o takes a folder and writes ${OUTPUT_FILE} into it; to write one file of your choice, use "> file.yaml"`;
  if (stat && !stat.isDirectory()) throw new UsageError(`-o ${outputDir} is an existing file, not a folder: ${how}`);
  if (!stat && /\.(ya?ml|json)$/i.test(outputDir)) throw new UsageError(`-o ${outputDir} looks like a file name: ${how}`);
}


function usageFailure(io: CliIo, error: unknown): number {
  if (!(error instanceof UsageError)) throw error;
  const message = error.message;
  const hint = /flag|command|argument/.test(message) ? ' (see cdk8s-matrix-chat --help)' : '';
  io.stderr.write(`error: ${oneLine(message)}${hint}\n`);
  return 2;
}

function parseArgs(argv: string[]): Options | 'help' | 'version' {
  const files: string[] = [];
  const sets: Array<{ text: string; typed: boolean }> = [];
  let namespace: string | undefined;
  let outputDir: string | undefined;
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help' || arg === 'help') return 'help';
    if (arg === '-v' || arg === '--version') return 'version';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`flag ${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '-f':
      case '--values':
        files.push(value());
        break;
      case '--set':
        sets.push({ text: value(), typed: true });
        break;
      case '--set-string':
        sets.push({ text: value(), typed: false });
        break;
      case '-n':
      case '--namespace':
        namespace = value();
        break;
      case '-o':
      case '--output-dir':
        outputDir = value();
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown flag ${flag}`);
        if (command !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
        command = arg;
    }
  }
  if (command === undefined) throw new UsageError('missing command: use "cdk8s-matrix-chat synth -f values.yaml"');
  if (command !== 'synth' && command !== 'template') throw new UsageError(`unknown command ${JSON.stringify(command)}: the command is "synth"`);
  if (files.length === 0 && sets.length === 0) throw new UsageError('no values given: pass at least one -f values.yaml (or --set)');
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`--namespace ${JSON.stringify(namespace)} is not a valid namespace name`);
  }
  if (outputDir === '') throw new UsageError('flag --output-dir needs a value');
  return { files, sets, namespace, outputDir };
}


function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    return `${pkg.name} ${pkg.version}`;
  } catch {
    return 'cdk8s-matrix-chat (unknown version)';
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
