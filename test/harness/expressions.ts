/**
 * Evaluates the subset of GitHub Actions expressions that workflow `if:`
 * guards in examples/ use, so a test can run a guard against sample event
 * payloads. The rules follow GitHub's "Evaluate expressions in workflows and
 * actions" reference:
 * - literals: `null`, `true`, `false`, numbers, strings in single quotes
 *   (`''` is a quote);
 * - operators `( )`, `[ ]`, `.`, `!`, `==`, `!=`, `&&`, `||`, and the object
 *   filter `.*`, which turns an array into the list of one property of its
 *   items;
 * - `==` and `!=` compare strings without regard to case, and coerce
 *   operands of different types to numbers;
 * - `contains`, `startsWith` and `endsWith` cast to strings and ignore case,
 *   and `contains` on an array looks for an equal item;
 * - `&&` and `||` return an operand, as in JavaScript; `false`, `0`, `''`,
 *   `null` and `NaN` are falsy.
 * Anything else (`<`, `>`, `format`, `toJSON`, status functions such as
 * `success()`) throws, so a guard that uses it cannot pass by accident.
 * A job `if:` without a status function runs as `success() && (...)`,
 * which is true for a job without `needs`, so it is left out.
 */

type Value =
  null | boolean | number | string | Value[] | { [key: string]: Value }

/** The result of `.*`: property access maps over its items. */
class FilteredList {
  readonly items: Value[]

  constructor(items: Value[]) {
    this.items = items
  }
}

type Result = Value | FilteredList

interface Token {
  kind: 'number' | 'string' | 'name' | 'punct' | 'end'
  text: string
  value?: number | string
}

const PUNCTUATION = ['==', '!=', '&&', '||', '<=', '>=', '(', ')', '[', ']']
const SINGLE = ['.', ',', '!', '*', '<', '>']

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < source.length) {
    const rest = source.slice(at)
    const space = /^\s+/.exec(rest)
    if (space) {
      at += space[0].length
      continue
    }
    if (rest.startsWith("'")) {
      let end = 1
      let text = ''
      for (;;) {
        const quote = rest.indexOf("'", end)
        if (quote === -1) throw new SyntaxError(`Unclosed string at ${at}`)
        text += rest.slice(end, quote)
        if (rest[quote + 1] === "'") {
          text += "'"
          end = quote + 2
          continue
        }
        end = quote + 1
        break
      }
      tokens.push({ kind: 'string', text: rest.slice(0, end), value: text })
      at += end
      continue
    }
    const number = /^-?(0x[0-9a-f]+|\d+(\.\d+)?(e[+-]?\d+)?)/i.exec(rest)
    if (number) {
      tokens.push({
        kind: 'number',
        text: number[0],
        value: Number(number[0]),
      })
      at += number[0].length
      continue
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest)
    if (name) {
      tokens.push({ kind: 'name', text: name[0] })
      at += name[0].length
      continue
    }
    const punct =
      PUNCTUATION.find((item) => rest.startsWith(item)) ??
      SINGLE.find((item) => rest.startsWith(item))
    if (!punct) throw new SyntaxError(`Unexpected "${rest[0]}" at ${at}`)
    tokens.push({ kind: 'punct', text: punct })
    at += punct.length
  }
  tokens.push({ kind: 'end', text: '' })
  return tokens
}

/** Evaluates `expression` with the given contexts (for example `{ github }`) and returns its value. */
export function evaluate(
  expression: string,
  contexts: Record<string, unknown>,
): unknown {
  const source = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
  const parser = new Parser(tokenize(source), contexts as Record<string, Value>)
  const result = parser.parseExpression()
  parser.expectEnd()
  return unwrap(result)
}

/** Evaluates an `if:` condition and coerces the result to a boolean, as GitHub does. */
export function evaluateCondition(
  expression: string,
  contexts: Record<string, unknown>,
): boolean {
  return isTruthy(evaluate(expression, contexts) as Value)
}

class Parser {
  readonly tokens: Token[]
  readonly contexts: Record<string, Value>
  #at = 0

  constructor(tokens: Token[], contexts: Record<string, Value>) {
    this.tokens = tokens
    this.contexts = contexts
  }

  expectEnd(): void {
    if (this.#peek().kind !== 'end') {
      throw new SyntaxError(`Unexpected "${this.#peek().text}"`)
    }
  }

  parseExpression(): Result {
    let left = this.#and()
    while (this.#accept('||')) {
      const right = this.#and()
      left = isTruthy(unwrap(left)) ? left : right
    }
    return left
  }

  #and(): Result {
    let left = this.#equality()
    while (this.#accept('&&')) {
      const right = this.#equality()
      left = isTruthy(unwrap(left)) ? right : left
    }
    return left
  }

  #equality(): Result {
    let left = this.#relational()
    for (;;) {
      if (this.#accept('==')) {
        left = looseEquals(unwrap(left), unwrap(this.#relational()))
      } else if (this.#accept('!=')) {
        left = !looseEquals(unwrap(left), unwrap(this.#relational()))
      } else return left
    }
  }

  #relational(): Result {
    const value = this.#unary()
    const next = this.#peek().text
    if (
      ['<', '>', '<=', '>='].includes(next) &&
      this.#peek().kind === 'punct'
    ) {
      throw new Error(`Operator ${next} is not supported by this evaluator`)
    }
    return value
  }

  #unary(): Result {
    if (this.#accept('!')) return !isTruthy(unwrap(this.#unary()))
    return this.#postfix(this.#primary())
  }

  #primary(): Result {
    const token = this.#next()
    if (token.kind === 'number' || token.kind === 'string') {
      return token.value as Value
    }
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.parseExpression()
      this.#expect(')')
      return inner
    }
    if (token.kind !== 'name') {
      throw new SyntaxError(`Unexpected "${token.text}"`)
    }
    if (token.text === 'null') return null
    if (token.text === 'true') return true
    if (token.text === 'false') return false
    if (this.#accept('(')) return this.#call(token.text)
    if (!(token.text in this.contexts)) {
      throw new Error(`Unknown context "${token.text}"`)
    }
    return this.contexts[token.text] ?? null
  }

  #postfix(start: Result): Result {
    let value = start
    for (;;) {
      if (this.#accept('.')) {
        if (this.#accept('*')) {
          value = filter(value)
          continue
        }
        const name = this.#next()
        if (name.kind !== 'name') {
          throw new SyntaxError(`Expected a property name after "."`)
        }
        value = property(value, name.text)
      } else if (this.#accept('[')) {
        if (this.#accept('*')) {
          this.#expect(']')
          value = filter(value)
          continue
        }
        const key = unwrap(this.parseExpression())
        this.#expect(']')
        value = property(value, key)
      } else return value
    }
  }

  #call(name: string): Result {
    const args: Value[] = []
    if (!this.#accept(')')) {
      do args.push(unwrap(this.parseExpression()))
      while (this.#accept(','))
      this.#expect(')')
    }
    const [first = null, second = null] = args
    switch (name.toLowerCase()) {
      case 'contains':
        return Array.isArray(first)
          ? first.some((item) => looseEquals(item, second))
          : toText(first).toLowerCase().includes(toText(second).toLowerCase())
      case 'startswith':
        return toText(first)
          .toLowerCase()
          .startsWith(toText(second).toLowerCase())
      case 'endswith':
        return toText(first)
          .toLowerCase()
          .endsWith(toText(second).toLowerCase())
      default:
        throw new Error(`Function ${name}() is not supported by this evaluator`)
    }
  }

  #peek(): Token {
    return this.tokens[this.#at] as Token
  }

  #next(): Token {
    const token = this.#peek()
    if (token.kind !== 'end') this.#at++
    return token
  }

  #accept(text: string): boolean {
    const token = this.#peek()
    if (token.kind !== 'punct' || token.text !== text) return false
    this.#at++
    return true
  }

  #expect(text: string): void {
    if (!this.#accept(text)) {
      throw new SyntaxError(`Expected "${text}", got "${this.#peek().text}"`)
    }
  }
}

function unwrap(result: Result): Value {
  return result instanceof FilteredList ? result.items : result
}

function filter(value: Result): FilteredList {
  if (value instanceof FilteredList) {
    return new FilteredList(
      value.items.flatMap((item) => (Array.isArray(item) ? item : [])),
    )
  }
  if (Array.isArray(value)) return new FilteredList(value)
  if (value !== null && typeof value === 'object') {
    return new FilteredList(Object.values(value))
  }
  return new FilteredList([])
}

function property(value: Result, key: Value): Result {
  if (value instanceof FilteredList) {
    const items = value.items
      .map((item) => unwrap(property(item, key)))
      .filter((item) => item !== null)
    return new FilteredList(items)
  }
  if (Array.isArray(value) && typeof key === 'number') {
    return value[key] ?? null
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // Property names are matched without regard to case, as GitHub does.
    const wanted = toText(key).toLowerCase()
    const found = Object.keys(value).find((k) => k.toLowerCase() === wanted)
    return found === undefined ? null : (value[found] ?? null)
  }
  return null
}

function isTruthy(value: Value): boolean {
  if (value === null || value === false || value === '') return false
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value)
  return true
}

function looseEquals(left: Value, right: Value): boolean {
  if (typeof left === 'string' && typeof right === 'string') {
    return left.toLowerCase() === right.toLowerCase()
  }
  if (typeof left === typeof right && left !== null && right !== null) {
    return left === right
  }
  if (left === null && right === null) return true
  const a = toNumber(left)
  const b = toNumber(right)
  return !Number.isNaN(a) && a === b
}

function toNumber(value: Value): number {
  if (value === null) return 0
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return value
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value)
  return Number.NaN
}

function toText(value: Value): string {
  if (value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'boolean' || typeof value === 'number') {
    return String(value)
  }
  return Array.isArray(value) ? 'Array' : 'Object'
}
