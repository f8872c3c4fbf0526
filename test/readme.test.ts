// README.md's TypeScript blocks: type-checked as a `cdk8s init typescript-app` project would, and run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '..');
const README = path.join(ROOT, 'README.md');
/** The tsconfig.json that `cdk8s init typescript-app` writes into a new project. */
const APP_TSCONFIG = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');
/** Virtual folder for the generated files: module resolution walks up from it to the repository's node_modules. */
const VIRTUAL_DIR = path.join(ROOT, 'test', '__readme_blocks__');
const LIBRARY = 'cdk8s-matrix-chat';

interface Block {
  /** README line of the block's first code line (1-based). */
  readonly line: number;
  readonly code: string;
  /** `complete`, or the fragment kind named by a preceding `<!-- fragment: kind -->`. */
  readonly kind: 'complete' | 'chart' | 'props';
  /** Names from `<!-- fragment: kind; imports: A, B -->`, imported from the library. */
  readonly imports: string[];
}

/** Every ```ts / ```typescript block, with the fragment comment on the line before its fence (blank lines allowed). */
function extractBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`README.md:${i + 1}: unclosed code block`);
    const code = lines.slice(start, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const comment = previous >= 0 ? /^\s*<!--\s*fragment:\s*(.*?)\s*-->\s*$/.exec(lines[previous]) : null;
    let kind: Block['kind'] = 'complete';
    let imports: string[] = [];
    if (comment) {
      const [name, ...options] = comment[1].split(';').map((s) => s.trim());
      if (name !== 'chart' && name !== 'props') throw new Error(`README.md:${previous + 1}: unknown fragment kind ${JSON.stringify(name)} (use "chart" or "props")`);
      kind = name;
      for (const option of options) {
        const match = /^imports:\s*(.+)$/.exec(option);
        if (!match) throw new Error(`README.md:${previous + 1}: unknown fragment option ${JSON.stringify(option)} (use "imports: A, B")`);
        imports = match[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
      }
    }
    blocks.push({ line: start + 1, code, kind, imports });
    i = end;
  }
  return blocks;
}

interface Generated {
  readonly block: Block;
  readonly fileName: string;
  readonly text: string;
  /** Line (0-based) of the generated file where the block's first line is. */
  readonly bodyLine: number;
  /** Whether running it must synthesize (complete programs and chart fragments). */
  readonly synthesizes: boolean;
}

const IMPORT_LINE = /^import\s*\{([^}]*)\}\s*from\s*'([^']+)';\s*$/;

/**
 * Completes a block into a program. Fragments get the imports and wrapper their kind names; their own
 * single-line named imports are merged into the generated import lines (kept as blank lines in the
 * body, so line numbers still match the README).
 */
function generate(block: Block, index: number): Generated {
  const fileName = path.join(VIRTUAL_DIR, `block-${String(index + 1).padStart(2, '0')}-line-${block.line}.ts`);
  if (block.kind === 'complete') {
    return { block, fileName, text: block.code, bodyLine: 0, synthesizes: true };
  }
  const imports = new Map<string, Set<string>>();
  const add = (module: string, ...names: string[]) => {
    const set = imports.get(module) ?? new Set<string>();
    names.forEach((n) => set.add(n));
    imports.set(module, set);
  };
  const body = block.code.split('\n').map((line) => {
    const match = IMPORT_LINE.exec(line);
    if (!match) return line;
    add(match[2], ...match[1].split(',').map((s) => s.trim()).filter((s) => s !== ''));
    return '';
  });
  add(LIBRARY, ...block.imports);
  let prelude: string[];
  let epilogue: string[];
  if (block.kind === 'chart') {
    add('cdk8s', 'App', 'Chart');
    add(LIBRARY, 'MatrixChat');
    prelude = ['const app = new App();', "const chart = new Chart(app, 'matrix-chat', { namespace: 'chat' });"];
    epilogue = ['app.synth();'];
  } else {
    add(LIBRARY, 'MatrixChatProps');
    prelude = ['export const props: MatrixChatProps = {', "  serverName: 'matrix.example.org',"];
    epilogue = ['};'];
  }
  const importLines = [...imports].map(([module, names]) => `import { ${[...names].join(', ')} } from '${module}';`);
  const head = [...importLines, ...prelude];
  return { block, fileName, text: [...head, ...body, ...epilogue].join('\n'), bodyLine: head.length, synthesizes: block.kind === 'chart' };
}

const markdown = fs.readFileSync(README, 'utf8');
const blocks = extractBlocks(markdown);
const generated = blocks.map(generate);

/** The app template's compiler options, with the library's name mapped to this repository's src/. */
function appCompilerOptions(): ts.CompilerOptions {
  const json = ts.parseConfigFileTextToJson(APP_TSCONFIG, fs.readFileSync(APP_TSCONFIG, 'utf8'));
  if (json.error) throw new Error(ts.flattenDiagnosticMessageText(json.error.messageText, '\n'));
  const converted = ts.convertCompilerOptionsFromJson(json.config.compilerOptions, path.dirname(APP_TSCONFIG));
  if (converted.errors.length > 0) {
    throw new Error(converted.errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('\n'));
  }
  return { ...converted.options, noEmit: true, paths: { [LIBRARY]: [path.join(ROOT, 'src', 'index.ts')] } };
}

function format(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const file = diagnostic.file;
  if (!file || diagnostic.start === undefined) return message;
  const { line } = file.getLineAndCharacterOfPosition(diagnostic.start);
  const gen = generated.find((g) => g.fileName === file.fileName);
  if (!gen) return `${file.fileName}:${line + 1}: ${message}`;
  const offset = line - gen.bodyLine;
  const where = offset >= 0 && offset < gen.block.code.split('\n').length
    ? `README.md:${gen.block.line + offset}`
    : `README.md block at line ${gen.block.line} (its ${gen.block.kind} wrapper)`;
  return `${where}: TS${diagnostic.code}: ${message}`;
}

describe('README.md code blocks', () => {
  test('the README has TypeScript blocks, and fragment comments are well formed', () => {
    // Quick start, TURNS, external LiveKit, Gateway API, scaling out, one App per tenant at least.
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect(blocks.filter((b) => b.kind === 'complete').length).toBeGreaterThanOrEqual(2);
    // A fragment comment that is not right before a TypeScript block would silently be ignored.
    const comments = markdown.split('\n').filter((l) => /^\s*<!--\s*fragment:/.test(l)).length;
    expect(blocks.filter((b) => b.kind !== 'complete').length).toBe(comments);
  });

  test('no block hard-codes the App outdir (it would break `cdk8s synth -o` and `--format helm`)', () => {
    const offenders = blocks.filter((b) => /\boutdir\s*:/.test(b.code)).map((b) => `README.md:${b.line}`);
    expect(offenders).toEqual([]);
  });

  test('every block type-checks with the cdk8s typescript-app tsconfig', () => {
    const options = appCompilerOptions();
    // The template's own strictness is what is being reproduced; check it was read.
    expect(options).toMatchObject({
      strict: true, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true, noFallthroughCasesInSwitch: true,
    });
    const host = ts.createCompilerHost(options);
    const virtual = new Map(generated.map((g) => [g.fileName, g.text]));
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const text = virtual.get(fileName);
      return text !== undefined ? ts.createSourceFile(fileName, text, languageVersion, true) : getSourceFile(fileName, languageVersion, ...rest);
    };
    host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
    host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);

    const program = ts.createProgram([...virtual.keys()], options, host);
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
    for (const g of generated) {
      const sourceFile = program.getSourceFile(g.fileName)!;
      diagnostics.push(
        ...program.getSyntacticDiagnostics(sourceFile),
        ...program.getSemanticDiagnostics(sourceFile),
        ...program.getDeclarationDiagnostics(sourceFile),
      );
    }
    // Only the README's code is judged: the library reaches users compiled (lib/*.d.ts), not as src/.
    const relevant = diagnostics.filter((d) => !d.file || virtual.has(d.file.fileName));
    expect(relevant.map(format)).toEqual([]);
  });

  test('complete blocks and chart fragments synthesize, into the outdir `cdk8s synth` gives them', () => {
    const runnable = generated.filter((g) => g.synthesizes);
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    const failures: string[] = [];
    for (const g of runnable) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-chat-readme-'));
      const previous = process.env.CDK8S_OUTDIR;
      process.env.CDK8S_OUTDIR = outdir;
      try {
        const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 };
        const js = ts.transpileModule(g.text, { compilerOptions, fileName: g.fileName }).outputText;
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const requireModule = (name: string): unknown => (name === LIBRARY ? require('../src') : require(name));
        const module = { exports: {} };
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        new Function('require', 'module', 'exports', js)(requireModule, module, module.exports);
        const written = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'));
        if (written.length === 0) failures.push(`README.md:${g.block.line}: wrote no manifest into CDK8S_OUTDIR`);
        for (const file of written) {
          const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8')).map((d) => d.toJSON());
          if (!objects.some((o) => o?.kind === 'StatefulSet')) failures.push(`README.md:${g.block.line}: ${file} holds no homeserver StatefulSet`);
        }
      } catch (error) {
        failures.push(`README.md:${g.block.line}: ${(error as Error).message}`);
      } finally {
        if (previous === undefined) delete process.env.CDK8S_OUTDIR;
        else process.env.CDK8S_OUTDIR = previous;
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('the fragment convention', () => {
  test('a chart fragment gets the App, the Chart and merged imports; line numbers map back to the README', () => {
    const [block] = extractBlocks("x\n<!-- fragment: chart; imports: Routing -->\n```ts\nimport { NodeAddressSource } from 'cdk8s-matrix-chat';\nnew MatrixChat(chart, 'c', x);\n```\n");
    expect(block).toEqual({ line: 4, kind: 'chart', imports: ['Routing'], code: "import { NodeAddressSource } from 'cdk8s-matrix-chat';\nnew MatrixChat(chart, 'c', x);" });
    const g = generate(block, 0);
    expect(g.text.split('\n')).toEqual([
      "import { NodeAddressSource, Routing, MatrixChat } from 'cdk8s-matrix-chat';",
      "import { App, Chart } from 'cdk8s';",
      'const app = new App();',
      "const chart = new Chart(app, 'matrix-chat', { namespace: 'chat' });",
      '',
      "new MatrixChat(chart, 'c', x);",
      'app.synth();',
    ]);
    expect(g.bodyLine).toBe(4);
    expect(g.synthesizes).toBe(true);
  });

  test('a props fragment becomes the body of a MatrixChatProps literal and is only type-checked', () => {
    const [block] = extractBlocks('<!-- fragment: props -->\n\n```typescript\nlivekit: {},\n```\n');
    const g = generate(block, 0);
    expect(g.text).toContain("export const props: MatrixChatProps = {\n  serverName: 'matrix.example.org',\nlivekit: {},\n};");
    expect(g.synthesizes).toBe(false);
  });

  test('an unknown fragment kind is refused', () => {
    expect(() => extractBlocks('<!-- fragment: snippet -->\n```ts\nx\n```\n')).toThrow(/unknown fragment kind "snippet"/);
  });
});
