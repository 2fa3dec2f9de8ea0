import {
  applyEdits,
  createScanner,
  type Edit,
  findNodeAtLocation,
  modify,
  type Node,
  parseTree,
} from 'jsonc-parser';
import { type ConfigText, withBom } from './config-text';

/** The indentation unit of `body`: the smallest indentation of its lines, or two spaces. */
export function detectIndent(body: string): string {
  let best: string | undefined;
  for (const match of body.matchAll(/^([ \t]+)\S/gm)) {
    const indent = match[1] as string;
    if (indent.startsWith('\t')) return '\t';
    if (!best || indent.length < best.length) best = indent;
  }
  return best ?? '  ';
}

/** `SyntaxKind.CommaToken` (a const enum, not importable as a value). */
const COMMA_TOKEN = 5;

function lineStart(body: string, offset: number): number {
  return body.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(body: string, offset: number): number {
  const next = body.indexOf('\n', offset);
  const end = next === -1 ? body.length : next;
  return end > offset && body[end - 1] === '\r' ? end - 1 : end;
}

/** The indentation of the line holding `offset`. */
function lineIndent(body: string, offset: number): string {
  return /^[ \t]*/.exec(body.slice(lineStart(body, offset), offset))?.[0] ?? '';
}

function startsOwnLine(body: string, offset: number): boolean {
  return body.slice(lineStart(body, offset), offset).trim() === '';
}

interface Style {
  eol: string;
  unit: string;
  /** The file is on one line: keep it that way. */
  compact: boolean;
}

function render(value: unknown, indent: string, style: Style): string {
  if (style.compact) return JSON.stringify(value);
  return JSON.stringify(value, null, style.unit)
    .split('\n')
    .join(style.eol + indent);
}

function property(key: string, value: unknown, indent: string, style: Style): string {
  return `${JSON.stringify(key)}:${style.compact ? '' : ' '}${render(value, indent, style)}`;
}

/** Edits inserting `key: value` as the last property of `object`, matching the file's layout. */
function insertProperty(body: string, object: Node, key: string, value: unknown, style: Style): Edit[] {
  const owner = object.parent?.type === 'property' ? object.parent : object;
  const objectIndent = lineIndent(body, owner.offset);
  const children = object.children ?? [];
  const last = children[children.length - 1];
  if (!last) {
    const open = object.offset + 1;
    const close = object.offset + object.length - 1;
    const inner = body.slice(open, close);
    const childIndent = objectIndent + style.unit;
    const text = property(key, value, childIndent, style);
    if (style.compact) return [{ offset: open, length: inner.length, content: text }];
    if (inner.trim() === '') {
      return [
        {
          offset: open,
          length: inner.length,
          content: style.eol + childIndent + text + style.eol + objectIndent,
        },
      ];
    }
    return [{ offset: open, length: 0, content: style.eol + childIndent + text }];
  }
  const lastEnd = last.offset + last.length;
  if (style.compact || !startsOwnLine(body, last.offset)) {
    const text = property(key, value, '', { ...style, compact: true });
    return [{ offset: lastEnd, length: 0, content: style.compact ? `,${text}` : `, ${text}` }];
  }
  const childIndent = lineIndent(body, last.offset);
  const scanner = createScanner(body, true);
  scanner.setPosition(lastEnd);
  const trailingComma = scanner.scan() === COMMA_TOKEN;
  let at = trailingComma ? scanner.getTokenOffset() + 1 : lastEnd;
  const rest = body.slice(at, lineEnd(body, at)).trim();
  if (rest === '' || rest.startsWith('//') || (rest.startsWith('/*') && rest.endsWith('*/'))) {
    at = lineEnd(body, at);
  }
  const text =
    style.eol + childIndent + property(key, value, childIndent, style) + (trailingComma ? ',' : '');
  const edits: Edit[] = [{ offset: at, length: 0, content: text }];
  if (!trailingComma) edits.unshift({ offset: lastEnd, length: 0, content: ',' });
  return edits;
}

function styleOf(config: ConfigText): Style {
  return {
    eol: config.eol,
    unit: detectIndent(config.body),
    compact: !config.empty && !config.body.includes('\n'),
  };
}

/**
 * The file's full text with `section.name` set to `value`; every byte outside
 * the entry (and the comma or section we add) stays as it was.
 */
export function setEntryText(config: ConfigText, sectionKey: string, name: string, value: unknown): string {
  const style = styleOf(config);
  if (config.empty || !config.root) {
    const unit = style.unit;
    const text = `{${style.eol}${unit}${property(sectionKey, { [name]: value }, unit, style)}${style.eol}}${style.eol}`;
    return withBom(config, text);
  }
  const body = config.body;
  const existing = findNodeAtLocation(config.root, [sectionKey, name]);
  if (existing) {
    const owner = existing.parent ?? existing;
    const content = render(value, lineIndent(body, owner.offset), style);
    return withBom(config, applyEdits(body, [{ offset: existing.offset, length: existing.length, content }]));
  }
  const section = findNodeAtLocation(config.root, [sectionKey]);
  const edits = section
    ? insertProperty(body, section, name, value, style)
    : insertProperty(body, config.root, sectionKey, { [name]: value }, style);
  return withBom(config, applyEdits(body, edits));
}

/**
 * The file's full text without `section.name`; with `dropEmptySection` the
 * section goes too when nothing else is left in it.
 */
export function removeEntryText(
  config: ConfigText,
  sectionKey: string,
  name: string,
  options: { dropEmptySection?: boolean } = {},
): string {
  if (!config.root || !findNodeAtLocation(config.root, [sectionKey, name]))
    return withBom(config, config.body);
  let body = applyEdits(config.body, modify(config.body, [sectionKey, name], undefined, {}));
  const root = parseTree(body, [], { allowTrailingComma: true });
  const section = root && findNodeAtLocation(root, [sectionKey]);
  if (section && section.type === 'object' && (section.children ?? []).length === 0) {
    const open = section.offset + 1;
    const inner = body.slice(open, section.offset + section.length - 1);
    if (inner.trim() === '') {
      // Nothing left but whitespace: close it up to `{}`, or drop the section we added.
      body = options.dropEmptySection
        ? applyEdits(body, modify(body, [sectionKey], undefined, {}))
        : applyEdits(body, [{ offset: open, length: inner.length, content: '' }]);
    }
  }
  return withBom(config, body);
}
