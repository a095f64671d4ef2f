/**
 * A checker of the Mermaid gantt statements that renderGantt writes, by the
 * rules of Mermaid's gantt grammar: `gantt` first, one `title`, `dateFormat`
 * and `axisFormat`, `section NAME` lines, and task lines
 * `NAME :[tags,] id, start, end-or-duration`. No Mermaid package is
 * installed, so the chart is checked by these rules rather than parsed.
 */

const TAGS = new Set(['active', 'done', 'crit', 'milestone'])
const KEYWORD =
  /^(title|section|dateformat|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|inclusiveenddates|topaxis|acctitle|accdescr|click|call|href)\b/i
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DURATION = /^\d+(ms|s|m|h|d|w)$/
const ID = /^[A-Za-z][A-Za-z0-9_]*$/

export interface GanttTask {
  section: string
  name: string
  tags: string[]
  id: string
  start: string
  end: string
}

/** Returns the problems found in a ```mermaid block (empty when valid) and the tasks read from it. */
export function checkGantt(block: string): {
  problems: string[]
  tasks: GanttTask[]
} {
  const problems: string[] = []
  const tasks: GanttTask[] = []
  const lines = block.split('\n')

  if (lines[0] !== '```mermaid')
    problems.push('block does not open with ```mermaid')
  if (lines.at(-1) !== '```') problems.push('block does not close with ```')
  const body = lines.slice(1, -1)
  if (body.some((line) => line.includes('```'))) {
    problems.push('a line inside the block contains ```')
  }
  if (body[0] !== 'gantt') problems.push('first statement is not gantt')

  const counts = { title: 0, dateFormat: 0, axisFormat: 0 }
  const ids = new Set<string>()
  let section = ''
  for (const raw of body.slice(1)) {
    const line = raw.trim()
    if (line === '') continue
    if (/^title\s/.test(line)) counts.title++
    else if (line === 'dateFormat YYYY-MM-DD') counts.dateFormat++
    else if (/^axisFormat\s\S+$/.test(line)) counts.axisFormat++
    else if (/^section\s/.test(line)) {
      section = line.slice('section '.length)
      if (section.includes(':')) problems.push(`section with colon: ${line}`)
    } else {
      const task = readTask(line, section, problems)
      if (!task) continue
      if (ids.has(task.id)) problems.push(`duplicate id ${task.id}`)
      ids.add(task.id)
      tasks.push(task)
    }
  }

  if (counts.title !== 1) problems.push(`${counts.title} title lines`)
  if (counts.dateFormat !== 1) problems.push('dateFormat YYYY-MM-DD missing')
  if (counts.axisFormat > 1) problems.push('more than one axisFormat')
  return { problems, tasks }
}

function readTask(
  line: string,
  section: string,
  problems: string[],
): GanttTask | null {
  const colon = line.indexOf(':')
  if (colon === -1) {
    problems.push(`not a statement: ${line}`)
    return null
  }
  if (section === '') problems.push(`task before any section: ${line}`)

  const name = line.slice(0, colon).trim()
  const data = line.slice(colon + 1)
  if (name === '') problems.push(`task without name: ${line}`)
  if (/[#;]|%%/.test(name)) problems.push(`task name with # ; or %%: ${name}`)
  if (KEYWORD.test(name))
    problems.push(`task name starts with a keyword: ${name}`)
  if (/[#;:]/.test(data)) problems.push(`task data with # ; or : ${data}`)

  const parts = data.split(',').map((part) => part.trim())
  const tags: string[] = []
  while (parts.length > 0 && TAGS.has(parts[0] as string)) {
    tags.push(parts.shift() as string)
  }
  if (parts.length !== 3) {
    problems.push(`task needs id, start and end: ${line}`)
    return null
  }
  const [id, start, end] = parts as [string, string, string]
  if (!ID.test(id)) problems.push(`invalid id: ${id}`)
  if (!isDate(start)) problems.push(`invalid start date: ${start}`)
  if (!isDate(end) && !DURATION.test(end)) {
    problems.push(`invalid end: ${end}`)
  }
  if (isDate(end) && isDate(start) && end < start) {
    problems.push(`end before start: ${line}`)
  }
  if (tags.includes('milestone') && end !== '0d') {
    problems.push(`milestone with a length: ${line}`)
  }
  return { section, name, tags, id, start, end }
}

function isDate(text: string): boolean {
  if (!DATE.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
}
