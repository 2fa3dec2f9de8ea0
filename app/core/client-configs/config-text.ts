import {
  findNodeAtLocation,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { ClientConfigError } from './errors';

/** A config file's text split into what we keep as is (BOM, line ending, indentation) and its parse tree. */
export interface ConfigText {
  /** Whether the file starts with a UTF-8 byte order mark (kept on write). */
  bom: boolean;
  /** The text without the BOM. */
  body: string;
  eol: '\n' | '\r\n';
  /** The file is empty or only whitespace: treated as `{}`. */
  empty: boolean;
  /** The root object node (absent when empty). */
  root?: Node;
}

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected (a trailing comma?)',
  ValueExpected: 'a value was expected (a trailing comma?)',
  ColonExpected: 'a colon is missing',
  CommaExpected: 'a comma is missing',
  CloseBraceExpected: 'a closing } is missing',
  CloseBracketExpected: 'a closing ] is missing',
  EndOfFileExpected: 'unexpected text after the end of the JSON',
  InvalidCommentToken: 'comments are not allowed in this file',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'malformed unicode escape',
  InvalidEscapeCharacter: 'malformed escape in a string',
  InvalidCharacter: 'a control character inside a string',
};

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

function unparseable(
  path: string,
  label: string,
  jsonc: boolean,
  body: string,
  offset: number,
  problem: string,
) {
  const { line, column } = lineColumn(body, offset);
  const kind = jsonc ? 'JSON (with comments)' : 'JSON';
  return new ClientConfigError(
    'unparseable',
    `${label} config ${path} is not valid ${kind} at line ${line}:${column} (${problem}). Nothing was changed: fix that spot in a text editor (or move the file aside to start a new one) and try again.`,
    { path },
  );
}

/**
 * Parses a config file's text tolerantly (BOM, CRLF; comments and trailing
 * commas only when `jsonc`), or throws `unparseable` with line:column.
 */
export function parseConfigText(
  raw: string,
  options: { path: string; label: string; jsonc: boolean },
): ConfigText {
  const bom = raw.startsWith('\uFEFF');
  const body = bom ? raw.slice(1) : raw;
  const eol: '\n' | '\r\n' = body.includes('\r\n') ? '\r\n' : '\n';
  if (body.trim() === '') return { bom, body, eol, empty: true };
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, {
    disallowComments: !options.jsonc,
    allowTrailingComma: options.jsonc,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first) {
    const code = printParseErrorCode(first.error);
    const problem = PROBLEMS[code] ?? code;
    throw unparseable(options.path, options.label, options.jsonc, body, first.offset, problem);
  }
  if (!options.jsonc) {
    try {
      JSON.parse(body);
    } catch (cause) {
      const position = /position (\d+)/.exec(String((cause as Error).message));
      const offset = position ? Number(position[1]) : 0;
      throw unparseable(options.path, options.label, false, body, offset, (cause as Error).message);
    }
  }
  if (!root || root.type !== 'object') {
    throw new ClientConfigError(
      'unexpected-shape',
      `${options.label} config ${options.path} does not hold a JSON object at the top. Nothing was changed: fix or move the file aside and try again.`,
      { path: options.path },
    );
  }
  return { bom, body, eol, empty: false, root };
}

/** The section node (`mcpServers` or `servers`), or a clear error when it is not an object. */
export function sectionNode(config: ConfigText, sectionKey: string, where: { path: string; label: string }) {
  if (!config.root) return undefined;
  const node = findNodeAtLocation(config.root, [sectionKey]);
  if (node && node.type !== 'object') {
    throw new ClientConfigError(
      'unexpected-shape',
      `"${sectionKey}" in ${where.label} config ${where.path} is not an object. Nothing was changed: fix it in a text editor and try again.`,
      { path: where.path },
    );
  }
  return node;
}

/** The value of the entry `name` in the section, or `undefined` when absent. */
export function entryValue(config: ConfigText, sectionKey: string, name: string): unknown {
  if (!config.root) return undefined;
  const node = findNodeAtLocation(config.root, [sectionKey, name]);
  return node ? getNodeValue(node) : undefined;
}

/** The full text to write for `body`, with the file's BOM restored. */
export function withBom(config: Pick<ConfigText, 'bom'>, body: string): string {
  return config.bom ? `\uFEFF${body}` : body;
}
