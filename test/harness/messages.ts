/**
 * Finds the error and warning messages in src/ by reading the TypeScript
 * syntax tree, so the README's troubleshooting table can be checked against
 * them. A message is the text given to `new InputError`, `new GraphError` or
 * `new Error`, or to a `warning`, `error` or `setFailed` call. It is also a
 * `write` of an `error: ` or `warning: ` line, a report reason of a failed
 * client, or the text that a function listed in MESSAGE_BUILDERS returns.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

/** A placeholder for text only known at run time, such as a secret name. */
export const VALUE = Symbol('value')

export type Piece = string | typeof VALUE

export interface SourceMessage {
  /** Path relative to the repository, for example `src/cli.ts`. */
  file: string
  line: number
  /** Static text and placeholders in order. */
  pieces: Piece[]
}

/**
 * Functions whose returned strings are messages or parts of one. A new
 * function of this kind must be added here, or its texts are not checked.
 */
export const MESSAGE_BUILDERS = new Set([
  'accessDiagnostic',
  'describeNotFound',
  'failed',
  'failureHint',
  'checkContent',
  'checkCommand',
  'describeArgsError',
  'validateSecretName',
  'failureReason',
  'describeFacts',
  'describeIssue',
  'describeTarget',
  'describePermission',
  'describeEntryIssue',
])

/**
 * Functions and the position of their argument that is a message or part of
 * one: report reasons of a failed client, the failed step of a tracking issue
 * request, and the operation a secrets request failed to do.
 */
const MESSAGE_ARGUMENTS = new Map([
  ['invalid', 0],
  ['kept', 0],
  ['failed', 1],
  ['accessDiagnostic', 3],
  ['notChecked', 1],
])

/** Object properties whose value is a message or its start. */
const MESSAGE_PROPERTIES = new Set(['deadlineMessage'])

const MESSAGE_CONSTRUCTORS = new Set(['InputError', 'GraphError', 'Error'])
const LOG_METHODS = new Set(['warning', 'error', 'setFailed'])
const FAILED_STATUSES = new Set(['expired', 'invalid', 'error'])

/** Lists every `.ts` file under `directory`. */
function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Reads every message in the `.ts` files under `root/src`. */
export function extractMessages(root: string): SourceMessage[] {
  return sourceFiles(join(root, 'src')).flatMap((path) =>
    extractFromSource(relative(root, path), readFileSync(path, 'utf8')),
  )
}

/** Reads the messages of one source text; `file` names it in the results. */
export function extractFromSource(file: string, text: string): SourceMessage[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: SourceMessage[] = []

  const add = (expression: ts.Expression) => {
    const line =
      source.getLineAndCharacterOfPosition(expression.getStart()).line + 1
    for (const pieces of variants(expression, new Set())) {
      if (pieces.some((piece) => typeof piece === 'string' && piece.trim())) {
        found.push({ file, line, pieces: merge(pieces) })
      }
    }
  }

  const visit = (node: ts.Node) => {
    for (const expression of messageArguments(node)) add(expression)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** Returns the expressions of `node` that hold a message, if any. */
function messageArguments(node: ts.Node): ts.Expression[] {
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
    const first = node.arguments?.[0]
    return MESSAGE_CONSTRUCTORS.has(node.expression.text) && first
      ? [first]
      : []
  }
  if (ts.isCallExpression(node)) return callMessages(node)
  if (ts.isReturnStatement(node) && node.expression) {
    const name = enclosingFunctionName(node)
    if (!name || !MESSAGE_BUILDERS.has(name)) return []
    return ts.isObjectLiteralExpression(node.expression)
      ? propertyValues(node.expression, 'message')
      : [node.expression]
  }
  if (ts.isObjectLiteralExpression(node)) {
    return [
      ...failedReason(node),
      ...[...MESSAGE_PROPERTIES].flatMap((name) => propertyValues(node, name)),
    ]
  }
  return []
}

function callMessages(call: ts.CallExpression): ts.Expression[] {
  const first = call.arguments[0]
  if (!first) return []
  const callee = call.expression
  if (ts.isIdentifier(callee)) {
    const position = MESSAGE_ARGUMENTS.get(callee.text)
    const argument =
      position === undefined ? undefined : call.arguments[position]
    return argument ? [argument] : []
  }
  if (!ts.isPropertyAccessExpression(callee)) return []
  const method = callee.name.text
  if (LOG_METHODS.has(method)) return [first]
  if (method === 'write' && startsWithLevel(first)) return [first]
  if (method === 'addIssue' && ts.isObjectLiteralExpression(first)) {
    return propertyValues(first, 'message')
  }
  return []
}

function propertyValues(
  object: ts.ObjectLiteralExpression,
  name: string,
): ts.Expression[] {
  return object.properties
    .filter(ts.isPropertyAssignment)
    .filter((property) => property.name.getText() === name)
    .map((property) => property.initializer)
}

/** True for a template or string that starts with `error: ` or `warning: `. */
function startsWithLevel(expression: ts.Expression): boolean {
  const head = ts.isTemplateExpression(expression)
    ? expression.head.text
    : ts.isStringLiteralLike(expression)
      ? expression.text
      : ''
  return /^(error|warning): /.test(head)
}

/** Returns the `reason` of an object literal that also sets a failed status or `accept: false`. */
function failedReason(object: ts.ObjectLiteralExpression): ts.Expression[] {
  let reason: ts.Expression | null = null
  let failed = false
  for (const property of object.properties) {
    if (!ts.isPropertyAssignment(property)) continue
    const name = property.name.getText()
    const value = property.initializer
    if (name === 'reason') reason = value
    if (
      name === 'status' &&
      ts.isStringLiteralLike(value) &&
      FAILED_STATUSES.has(value.text)
    ) {
      failed = true
    }
    if (name === 'accept' && value.kind === ts.SyntaxKind.FalseKeyword) {
      failed = true
    }
  }
  return failed && reason ? [reason] : []
}

function enclosingFunctionName(node: ts.Node): string | null {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (ts.isFunctionDeclaration(parent) || ts.isMethodDeclaration(parent)) {
      return parent.name?.getText() ?? null
    }
    if (ts.isArrowFunction(parent) || ts.isFunctionExpression(parent)) {
      const holder = parent.parent
      if (holder && ts.isVariableDeclaration(holder)) {
        return holder.name.getText()
      }
    }
  }
  return null
}

/** Finds the `const` declaration that `identifier` names, from the innermost block outwards. */
function findConstant(
  identifier: ts.Identifier,
): ts.VariableDeclaration | null {
  for (let scope = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement)) continue
      const list = statement.declarationList
      if (!(list.flags & ts.NodeFlags.Const)) continue
      const declaration = list.declarations.find(
        (item) =>
          ts.isIdentifier(item.name) && item.name.text === identifier.text,
      )
      if (declaration) return declaration
    }
  }
  return null
}

/** Returns the initializer of the text `const` that `identifier` names, or null. */
function resolveConstant(identifier: ts.Identifier): ts.Expression | null {
  const initializer = findConstant(identifier)?.initializer
  return initializer && isText(initializer) ? initializer : null
}

/**
 * Returns the values of the `const` object literal that `identifier` names
 * when every value is text, as in a table of titles, or null otherwise.
 */
function resolveTextTable(identifier: ts.Identifier): ts.Expression[] | null {
  const declaration = findConstant(identifier)
  let initializer = declaration?.initializer
  while (initializer && ts.isSatisfiesExpression(initializer)) {
    initializer = initializer.expression
  }
  if (!initializer || !ts.isObjectLiteralExpression(initializer)) return null
  const values: ts.Expression[] = []
  for (const property of initializer.properties) {
    if (!ts.isPropertyAssignment(property)) return null
    if (!ts.isStringLiteralLike(property.initializer)) return null
    values.push(property.initializer)
  }
  return values
}

/** True for an expression that may give text: a literal, a template, `+`, `??`, `||`, a conditional or a table lookup. */
function isText(expression: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(expression)) {
    return isText(expression.expression)
  }
  if (ts.isConditionalExpression(expression)) {
    return isText(expression.whenTrue) || isText(expression.whenFalse)
  }
  if (ts.isBinaryExpression(expression)) {
    const operator = expression.operatorToken.kind
    return (
      operator === ts.SyntaxKind.PlusToken ||
      operator === ts.SyntaxKind.QuestionQuestionToken ||
      operator === ts.SyntaxKind.BarBarToken
    )
  }
  return (
    ts.isStringLiteralLike(expression) ||
    ts.isTemplateExpression(expression) ||
    ts.isElementAccessExpression(expression)
  )
}

/**
 * Returns the possible texts of `expression`: one per branch of a
 * conditional, each a list of static text and placeholders. Text constants
 * in scope are inlined, and `redact(...)` is seen through.
 */
function variants(expression: ts.Expression, seen: Set<string>): Piece[][] {
  if (ts.isParenthesizedExpression(expression)) {
    return variants(expression.expression, seen)
  }
  if (ts.isStringLiteralLike(expression)) return [[expression.text]]
  if (ts.isTemplateExpression(expression)) {
    let results: Piece[][] = [[expression.head.text]]
    for (const span of expression.templateSpans) {
      const inner = variants(span.expression, seen)
      results = product(results, inner).map((pieces) => [
        ...pieces,
        span.literal.text,
      ])
    }
    return results
  }
  if (
    ts.isBinaryExpression(expression) &&
    expression.operatorToken.kind === ts.SyntaxKind.PlusToken
  ) {
    return product(
      variants(expression.left, seen),
      variants(expression.right, seen),
    )
  }
  if (ts.isConditionalExpression(expression)) {
    return [
      ...variants(expression.whenTrue, seen),
      ...variants(expression.whenFalse, seen),
    ]
  }
  if (
    ts.isBinaryExpression(expression) &&
    (expression.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
      expression.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  ) {
    // A default after a run-time value, as in `code ?? 'unknown'`, is a
    // value too. After a text table it is one more text of the table.
    const left = variants(expression.left, seen)
    if (left.every(isValueOnly)) return [[VALUE]]
    return [...left, ...variants(expression.right, seen)]
  }
  if (
    ts.isElementAccessExpression(expression) &&
    ts.isIdentifier(expression.expression)
  ) {
    const table = resolveTextTable(expression.expression)
    if (table) return table.flatMap((value) => variants(value, seen))
  }
  if (ts.isIdentifier(expression) && !seen.has(expression.text)) {
    const constant = resolveConstant(expression)
    if (constant) {
      return variants(constant, new Set([...seen, expression.text]))
    }
  }
  if (
    ts.isCallExpression(expression) &&
    ts.isIdentifier(expression.expression) &&
    expression.expression.text === 'redact' &&
    expression.arguments[0]
  ) {
    return variants(expression.arguments[0], seen)
  }
  return [[VALUE]]
}

function isValueOnly(pieces: Piece[]): boolean {
  return pieces.every((piece) => piece === VALUE)
}

/** Returns every combination of one variant of `left` followed by one of `right`. */
function product(left: Piece[][], right: Piece[][]): Piece[][] {
  return left.flatMap((start) => right.map((end) => [...start, ...end]))
}

/** Joins neighbouring strings and neighbouring placeholders. */
function merge(pieces: Piece[]): Piece[] {
  const merged: Piece[] = []
  for (const piece of pieces) {
    const last = merged.at(-1)
    if (typeof piece === 'string' && typeof last === 'string') {
      merged[merged.length - 1] = last + piece
    } else if (piece === VALUE && last === VALUE) {
      continue
    } else if (piece !== '') {
      merged.push(piece)
    }
  }
  return merged
}

/** Static runs shorter than this, such as `: ` or `, got `, are not checked. */
const MIN_RUN_LENGTH = 4

/**
 * Returns the static runs of a message that the README must quote: each run
 * with whitespace collapsed, without a leading `error: ` or `warning: `, and
 * trimmed of the spaces and punctuation that join it to a placeholder.
 */
export function quotedRuns(message: SourceMessage): string[] {
  return message.pieces
    .filter((piece): piece is string => typeof piece === 'string')
    .map((piece) =>
      piece
        .replace(/\s+/g, ' ')
        .replace(/^(error|warning): /, '')
        .replace(/^[\s.,;:()"#]+|[\s,;:("#]+$/g, '')
        .replace(/(?<!\.)\.$/, ''),
    )
    .filter((run) => run.length >= MIN_RUN_LENGTH)
}

/** Shows a message with `…` for each placeholder, for a failure report. */
export function showMessage(message: SourceMessage): string {
  return message.pieces
    .map((piece) => (piece === VALUE ? '…' : piece))
    .join('')
    .replace(/\s+/g, ' ')
}
