/** Prometheus text exposition format 0.0.4: label escaping and sample lines. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

export function labels(pairs: Record<string, string | number>): string {
  return '{' + Object.entries(pairs).map(([k, v]) => `${k}="${labelValue(String(v))}"`).join(',') + '}'
}

export function family(name: string, help: string, type: 'gauge' | 'counter' = 'gauge'): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`
}
