// English plurals through the language's own rules (Intl.PluralRules), not `n === 1`:
// "1 day", "2 days", "0 days". Chinese has no plural forms; its catalogue never
// uses the {n|one|other} form. Rules are made on first use: most runs print no plural.
const rules = new Map<string, Intl.PluralRules>()

/** The word form for `n` in `lang`: `forms` is "one|other" as written in a catalogue. */
export function pluralForm(lang: string, n: number, forms: string): string {
  const [one = '', other = one] = forms.split('|')
  let r = rules.get(lang)
  if (!r) rules.set(lang, (r = new Intl.PluralRules(lang)))
  return r.select(n) === 'one' ? one : other
}
