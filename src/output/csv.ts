/** RFC 4180 fields: quoted only when needed; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return ''
  let s = String(v)
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s
}

export function csvLine(fields: Array<string | number | null | undefined>): string {
  return fields.map(csvField).join(',') + '\r\n'
}
