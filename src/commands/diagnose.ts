import { Args, Flags } from '@oclif/core'
import { run } from '../app/diagnose.js'
import { UkeyCommand } from './base-command.js'
import { moduleFlags, selectFlags } from './token-flags.js'

export default class Diagnose extends UkeyCommand {
  static override summary = 'Walk the bank\'s remedies for an error code (0124, 9002, 0116, 403.7); without a code, a health check'
  static override description = `The FAQ's steps for the code the customer saw, in order (questions 10–13): ukey checks everything a machine can check (the key on USB and through its vendor's module, the module's version and vendor, the certificate and its private key, a test signature, the renewal window, the bank CA, ukey's renewal journal, a test key generation with consent), asks the technician only what no check can see, and stops at the first finding with what to do. Steps for the bank's old web page (IE trusted sites, the "Low" zone) are shown as what they are: advice for that page, never something ukey asks anyone to weaken.
Questions are asked only on a terminal; with --no-input, or without a terminal, they count as unknown and nothing waits for an answer.
Codes are also recognised as written: 124, 403, "HTTP 403.7", the Chinese message. --list shows them.
Exit codes: 0 nothing wrong found (or already renewed); 20 action needed (the box says which); 21 the key is faulty: replace it at the counter, the online-banking contract stays (FAQ 3); 2 unknown code.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> 0124',
    '<%= config.bin %> <%= command.id %> "HTTP 403.7" --lang en',
    '<%= config.bin %> <%= command.id %> 0116 --lab --json --no-input',
    'UKEY_PIN=… <%= config.bin %> <%= command.id %> 0124 --allow-keygen --no-input   # test key generation without asking',
    '<%= config.bin %> <%= command.id %>                  # every check: a health check',
    '<%= config.bin %> <%= command.id %> --list',
  ]

  static override args = {
    code: Args.string({ description: 'the error code or message the customer saw (0124, 9002, 0116, 403.7…); none: every check', ignoreStdin: true }),
  }

  static override flags = {
    list: Flags.boolean({ description: 'list the codes ukey knows, with their meaning' }),
    json: Flags.boolean({ description: 'one JSON document (docs/schema/diagnose.schema.json)' }),
    'no-input': Flags.boolean({ description: 'ask nothing: questions count as unknown (implied without a terminal)' }),
    'allow-keygen': Flags.boolean({ description: 'allow the test key generation (0124) without asking: it needs the PIN; the test key is deleted at once' }),
    'key-number': Flags.string({ description: 'the number printed on the key: its vendor is checked against the module (FAQ 1)' }),
    'soft-store': Flags.string({ description: 'a folder holding the customer\'s software certificate (customers without a key, FAQ 10.1); repeat for more', multiple: true, multipleNonGreedy: true }),
    at: Flags.string({ description: 'evaluate the renewal window at this instant (ISO 8601 or +30d)' }),
    ...selectFlags,
    ...moduleFlags,
    'pin-stdin': Flags.boolean({ description: 'read the PIN from the first line of standard input (else UKEY_PIN, else a masked prompt)', helpGroup: 'TOKEN' }),
    force: Flags.boolean({ description: 'log in even when the key reports its final PIN try', helpGroup: 'TOKEN' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diagnose)
    process.exitCode = await run({ ...flags, code: args.code }, this.io)
  }
}
