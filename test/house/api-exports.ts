/**
 * The export list of src/index.ts read with the TypeScript compiler (type-only exports included), with
 * each export's kind, declaring file, documentation and `@example` blocks: what the API snapshot and
 * the examples test check.
 */
import { join } from 'node:path';
import ts from 'typescript';

export const root = join(import.meta.dirname, '..', '..');

export interface ApiExport {
  readonly name: string;
  /** 'function' (anything callable or constructible: functions, classes, function-valued constants), 'value' or 'type'. */
  readonly kind: 'function' | 'value' | 'type';
  /** Declaring file, relative to the repository root. */
  readonly file: string;
  readonly documented: boolean;
  /** The code of every ```ts fence inside the export's `@example` tags. */
  readonly examples: readonly string[];
}

function exampleCode(tag: ts.JSDocTagInfo): string[] {
  const text = (tag.text ?? []).map((p) => p.text).join('');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

let cached: ApiExport[] | null = null;

/** Every export of src/index.ts, sorted by name. */
export function apiExports(): ApiExport[] {
  if (cached) return cached;
  const entry = join(root, 'src', 'index.ts');
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error('src/index.ts: no module symbol');
  cached = checker
    .getExportsOfModule(module)
    .map((s): ApiExport => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      const decl = target.declarations?.[0];
      if (!decl) throw new Error(`src/index.ts: ${s.name} has no declaration`);
      const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
      const type = isValue ? checker.getTypeOfSymbolAtLocation(target, decl) : null;
      const callable = !!type && (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0);
      return {
        name: s.name,
        kind: !isValue ? 'type' : callable ? 'function' : 'value',
        file: decl.getSourceFile().fileName.slice(root.length + 1),
        documented: target.getDocumentationComment(checker).some((p) => p.text.trim() !== ''),
        examples: target
          .getJsDocTags(checker)
          .filter((t) => t.name === 'example')
          .flatMap(exampleCode),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return cached;
}
