/**
 * English help (`--help`, `ukey help …`), rendered by src/commands/help-class.ts. Keys:
 * help.<command id>.summary | description | examples | arg.<name> | flag.<name>;
 * help.flag.<name> for a flag that means the same in every command. Examples are
 * command lines, one per line; a `# comment` after one is translated.
 */
export const helpEn = {
  'help.usage': 'USAGE',
  'help.arguments': 'ARGUMENTS',
  'help.flags': 'FLAGS',
  'help.flags.TOKEN': 'USB KEY FLAGS',
  'help.flags.GLOBAL': 'GLOBAL FLAGS',
  'help.descriptionHeading': 'DESCRIPTION',
  'help.examplesHeading': 'EXAMPLES',
  'help.commands': 'COMMANDS',
  'help.topics': 'TOPICS',
  'help.command': 'COMMAND',
  'help.value': 'VALUE',
  'help.flagsWord': 'FLAGS',
  'help.aside': ' ({text})',
  'help.separator': '; ',
  'help.argName.inputs': 'INPUTS...',
  'help.argName.code': 'CODE',
  'help.argName.command': 'COMMAND',
  'help.options': 'one of: {options}',
  'help.default': 'default: {value}',
  'help.root.title': 'ukey {version}: diagnose and renew online-banking USB keys (the bank FAQ\'s remedies, the certificate expiry renewal)',
  'help.root.more': 'Help for a command: ukey help <command>. Exit codes: ukey help exit-codes.',
  'help.topic.lab': 'The embedded lab (not a bank): a SoftHSM2 "USB key" with an expiring certificate, a test CA, sample certificates. Use it with --lab.',
  'help.topic.exit-codes': 'the exit codes (a contract for scripts)',

  // Flags most commands share; a command's own `help.<id>.flag.<name>` wins.
  'help.flag.all': 'list every USB HID and smart-card device, not only the bank\'s vendors\' keys',
  'help.flag.allow-keygen': 'allow the test key generation (0124) without asking: it needs the PIN; the test key is deleted at once',
  'help.flag.at': 'evaluate the renewal period at this instant (ISO 8601 or +30d)',
  'help.flag.debug': 'show internal details (stack traces) on failure; never secrets',
  'help.flag.dir': 'the lab folder (default: under the user data directory)',
  'help.flag.dry-run': 'check everything that changes nothing: window, key, PIN state, the bank server reachable and trusted',
  'help.flag.expires-in': 'days until the simulated key\'s certificate expires (negative: already expired)',
  'help.flag.force': 'log in even when the key reports its final PIN try',
  'help.flag.id': 'the certificate to renew (its CKA_ID, hex), when the key holds several',
  'help.flag.interval': 'with --watch: how often to look, in milliseconds',
  'help.flag.json': 'one JSON document',
  'help.flag.key': 'the old key pair\'s algorithm',
  'help.flag.key-number': 'the number printed on the key: its vendor is checked against the module (FAQ 1)',
  'help.flag.lab': 'use the embedded lab (its simulated USB key and profile), not a bank',
  'help.flag.lab-dir': 'the lab folder (default: under the user data directory)',
  'help.flag.label': 'the USB key with this label',
  'help.flag.lang': 'language of messages (default: LC_ALL / LC_MESSAGES / LANG, else zh-CN)',
  'help.flag.list': 'list the codes ukey knows, with their meaning',
  'help.flag.login': 'log in with the PIN first: checks the PIN and that each certificate still has its private key',
  'help.flag.module': 'PKCS#11 module to load instead of discovery (also UKEY_PKCS11_MODULE)',
  'help.flag.no-input': 'never ask (for scripts; implied without a terminal): no question, no PIN or password typed (use --pin-stdin, --password-stdin or UKEY_PIN); diagnose counts questions as unknown; a change that needs consent needs --yes',
  'help.flag.output': 'output format',
  'help.flag.password-stdin': 'read the PKCS#12 password from the first line of standard input',
  'help.flag.pin-stdin': 'read the PIN from the first line of standard input (else UKEY_PIN, else a masked prompt)',
  'help.flag.port': 'TCP port on 127.0.0.1 (0: any free port)',
  'help.flag.profile': 'bank profile (JSON) instead of the user profile or the built-in FAQ values',
  'help.flag.quiet': 'print nothing; the exit code tells the result',
  'help.flag.recursive': 'descend into subdirectories',
  'help.flag.serial': 'the key with this serial number, when several are plugged in',
  'help.flag.server': 'the bank\'s CMP URL instead of the profile\'s (a standby server, a test server)',
  'help.flag.soft-store': 'a folder holding the customer\'s software certificate (customers without a key, FAQ 10.1); repeat for more',
  'help.flag.status': 'list unfinished (journalled) renewals and exit: 0 none, 31 some',
  'help.flag.token': 'check the certificates on every plugged USB key',
  'help.flag.store': 'read the user\'s Windows certificate store (my: Personal), where the bank\'s enrolment or the management tool installs the certificate; Windows only',
  'help.flag.tz': 'time zone for dates shown to people (IANA name, default: the system\'s)',
  'help.flag.usb': 'also list the USB bus (HID and smart-card keys); --no-usb for PKCS#11 only',
  'help.flag.vendor': 'vendor code at the start of the simulated key\'s serial (FAQ 1)',
  'help.flag.verbose': 'technical detail too: module files, key ids, mechanisms, error codes',
  'help.flag.waiting': 'answer each key update "waiting" this many times before issuing',
  'help.flag.watch': 'print keys as they are inserted and removed, until Ctrl-C (with --json: one event per line)',
  'help.flag.yes': 'consent in advance to what would be asked before a change (renew: the renewal; diagnose: the test key generation); with --no-input nothing at all is asked',

  // ukey check-window
  'help.check-window.summary': 'Is each certificate inside its renewal period? (FAQ 4–6)',
  'help.check-window.description': 'Reads certificates from files, directories or standard input (PEM, DER, PKCS#7 .p7b/.p7c, PKCS#12 .pfx/.p12) and tells, for each, its renewal period state:\n  not-yet-valid  before notBefore: check the computer\'s clock (exit 13)\n  valid          more than 30 days left: too early to renew (exit 0)\n  renewable      within 30 days of expiry: renew now (exit 10)\n  grace          expired at most 90 days ago: still renewable (exit 11)\n  lapsed         more than 90 days past expiry: new key at the counter (exit 12)\nThe 30/90 days come from the bank profile. For several inputs the most severe outcome wins (12 > 11 > 10 > 13 > 3 > 0); an unreadable input is reported (exit 3) and never stops the rest.\nIn directories, files ending in .pem .crt .cer .cert .der .p7b .p7c .pfx .p12 are read; subdirectories with --recursive.\nPKCS#12 passwords: --password-stdin, the UKEY_P12_PASSWORD variable, or a masked prompt; never on the command line.',
  'help.check-window.examples': 'ukey check-window cert.pem\nukey check-window --recursive /srv/branch-certs --output ndjson\nukey check-window bundle.p7b --at 2027-01-01T00:00:00Z\nukey check-window certs/ --at +30d --quiet || echo "something is due within 30 days"\ncat cert.pem | ukey check-window - --json\nukey check-window --token            # the certificates on the plugged USB keys\nukey check-window --serial 2100000012345678 --quiet\nukey check-window -r certs/ --output prometheus > /var/lib/node_exporter/textfile/ukey.prom',
  'help.check-window.arg.inputs': 'certificate files or directories; - for standard input (or --token for the plugged USB keys)',
  'help.check-window.flag.json': 'one JSON document (same as --output json)',
  'help.check-window.flag.at': 'evaluate at this instant (ISO 8601, e.g. 2026-12-01T00:00:00Z) or days from now (+30d)',

  // ukey show-cert
  'help.show-cert.summary': 'Show certificates in full: subject, issuer, validity, renewal state, key, usages, fingerprints',
  'help.show-cert.description': 'What "Show certificate" in the vendor\'s management tool shows (FAQ 12.1), and more: subject and issuer, serial (hex), validity in local time and UTC, days left and the renewal period state, key algorithm and size (RSA, EC, SM2), key usage, extended key usage, subject alternative names, key identifiers, SHA-256 and SHA-1 fingerprints, whether it is self-signed.\nInputs as for check-window: PEM, DER, PKCS#7, PKCS#12, directories (--recursive), - for standard input.\nExit codes: 0 when every input was read, 3 when one could not be (the others are still shown).',
  'help.show-cert.examples': 'ukey show-cert cert.pem\nukey show-cert customer.pfx --lang en\nukey show-cert --token                     # what is on the plugged USB key\nukey show-cert --lab                       # the lab\'s simulated key\'s certificate\nUKEY_P12_PASSWORD=… ukey show-cert customer.pfx --json',
  'help.show-cert.arg.inputs': 'certificate files or directories; - for standard input (or --token for the plugged USB keys)',
  'help.show-cert.flag.token': 'show the certificates on every plugged USB key',

  // ukey exit-codes
  'help.version.summary': 'Show the versions of ukey, Node and the system, and the PKCS#11 modules found (not loaded)',
  'help.version.description': 'What a support ticket needs first. `ukey --version` is the same. --json gives one JSON document.',
  'help.version.examples': 'ukey version\nukey --version --json',
  'help.completion.summary': 'Print a shell completion script (bash, zsh, fish, PowerShell)',
  'help.completion.description': 'The script lists the commands, their flags and the values ukey knows (output formats, languages, the codes diagnose walks); completing never runs ukey.\nInstall it as in the examples.',
  'help.completion.examples': 'ukey completion bash > ~/.local/share/bash-completion/completions/ukey\nukey completion zsh > "${fpath[1]}/_ukey"\nukey completion fish > ~/.config/fish/completions/ukey.fish\nukey completion powershell | Out-String | Invoke-Expression',
  'help.completion.arg.shell': 'the shell: bash, zsh, fish or powershell',
  'help.argName.shell': 'SHELL',
  'help.exit-codes.summary': 'The exit codes every ukey command uses (a contract for scripts)',
  'help.exit-codes.examples': 'ukey help exit-codes\nukey exit-codes --json',
  'help.exit-codes.flag.json': 'the table as JSON',

  // ukey help
  'help.help.summary': 'Help for ukey, a command, or a topic (e.g. `ukey help exit-codes`)',
  'help.help.examples': 'ukey help\nukey help check-window\nukey help exit-codes',
  'help.help.arg.command': 'command or topic',

  // ukey lab samples
  'help.lab:samples.summary': 'Write sample certificates, one per renewal state, for demos and training (the lab, not a bank)',
  'help.lab:samples.description': 'Makes a lab CA and five certificates dated relative to now — valid (too early), renewable, grace, lapsed, not-yet-valid — with Chinese subjects, plus all.pem holding them all. Every subject says "(lab)" and the CA says "not a bank".\nDefault directory: the lab directory under the user\'s state directory (XDG_STATE_HOME on Linux).',
  'help.lab:samples.examples': 'ukey lab samples\nukey lab samples --dir ./samples && ukey check-window ./samples',
  'help.lab:samples.flag.dir': 'where to write the samples',
  'help.lab:samples.flag.json': 'list what was written as JSON',

  // ukey lab init
  'help.lab:init.summary': 'Make the embedded lab: a SoftHSM2 "USB key" with an expiring certificate, a test CA, a lab profile',
  'help.lab:init.description': 'Everything ukey needs to be tried without hardware or a bank: a SoftHSM2 token whose serial starts with a FAQ vendor code (default 21, Watchdata), a local test CA, an "old" key pair on the token and its certificate from that CA, expiring in --expires-in days (default 20: inside the renewal period), and a bank profile marked "lab" that points ukey at them. Use it with --lab on the other commands.\nThe token\'s PIN is taken from --pin-stdin or UKEY_PIN; without either it is the lab default documented in the README. It is never printed.',
  'help.lab:init.examples': 'ukey lab init && ukey detect --lab\nukey lab init --force --expires-in -10   # already expired, in grace\nukey lab init --force --vendor 31 --key ec-p256',
  'help.lab:init.flag.force': 'replace an existing lab',
  'help.lab:init.flag.pin-stdin': 'read the simulated key\'s PIN from the first line of standard input',
  'help.lab:init.flag.json': 'the lab as JSON',

  // ukey lab status
  'help.lab:status.summary': 'Show the embedded lab: its simulated USB key, certificate and renewal state',
  'help.lab:status.examples': 'ukey lab status\nukey lab status --json',
  'help.lab:status.flag.json': 'as JSON',

  // ukey lab reset
  'help.lab:reset.summary': 'Remove the embedded lab (its simulated USB key, CA and profile)',
  'help.lab:reset.examples': 'ukey lab reset',

  // ukey lab serve
  'help.lab:serve.summary': 'Run the lab CA as a CMP server on 127.0.0.1 (key update requests; not a bank)',
  'help.lab:serve.description': 'Answers CMP key update requests (RFC 4210 kur, over HTTP as RFC 6712) with the lab CA: the request must be signed by a certificate of the lab CA (else a refusal carrying 403.7), inside the lab profile\'s renewal period and not already renewed (else 0116); the new certificate keeps the old subject and carries the new key. Renewals are recorded in the lab folder (renewals.json) and survive a restart; a lab re-initialised while it runs (lab init --force) is followed. Only the path /pkix/ is served. One log line per request on standard error, refusals at the HTTP level included; stop with Ctrl-C.',
  'help.lab:serve.examples': 'ukey lab serve\nukey lab serve --port 18081 --waiting 2   # answer "waiting" twice before issuing\nopenssl cmp -cmd kur -server 127.0.0.1:18080 -path pkix/ -cert old.crt -key old.key -trusted ca.crt -newkey new.key -certout new.crt',

  // ukey detect
  'help.detect.summary': 'List the USB keys this computer can see, their vendor, PIN state and what they hold',
  'help.detect.description': 'Loads the PKCS#11 modules (the vendors\' management tools install them, FAQ 2) and lists every key they see: module and version, slot, label, manufacturer, model, serial, the vendor (FAQ 1: the first two digits of the number printed on the key — 11 G&D, 21 Watchdata, 31 Huada, 41 Daming — checked against the module\'s manufacturer), PIN state, and how many certificates and key pairs it holds. No PIN is needed.\nModules: --module or UKEY_PKCS11_MODULE; otherwise those of the bank profile, of each vendor, and (Linux) those registered with p11-kit.\nIt also lists the USB bus (HID "driver-free" keys and CCID smart-card keys, matched against the vendors\' USB ids) and pairs each physical key with its token, saying what each combination means: on USB and seen by its module (good); on USB but no module, this vendor\'s module failing or outdated, or only another vendor\'s tool installed (FAQ 2, 10.3); a token without a USB device (software or lab token).\nExit codes: 0 a key was found through its module; 3 no module or no key (the message says which: install the management tool, or insert the key).',
  'help.detect.examples': 'ukey detect\nukey detect --lab\nukey detect --key-number 2100012345   # which vendor made the key with this printed number?\nukey detect --module /usr/lib/watchdata/libwdpkcs.so --json',
  'help.detect.flag.key-number': 'the number printed on the key: its vendor is named and checked against the key (FAQ 1)',
  'help.detect.flag.serial': 'list only the key with this serial number',
  'help.detect.flag.label': 'list only the key with this label',
  'help.detect.flag.json': 'one JSON document (docs/schema/detect.schema.json)',

  // ukey diagnose
  'help.diagnose.summary': 'Walk the bank\'s remedies for an error code (0124, 9002, 0116, 403.7); without a code, a health check',
  'help.diagnose.description': 'The FAQ\'s steps for the code the customer saw, in order (questions 10–13): ukey checks everything a machine can check (the key on USB and through its vendor\'s module, the module\'s version and vendor, the certificate and its private key, a test signature, the renewal period, the bank CA, ukey\'s renewal journal, a test key generation with consent), asks the technician only what no check can see, and stops at the first finding with what to do. Steps for the bank\'s old web page (IE trusted sites, the "Low" zone) are shown as what they are: advice for that page, never something ukey asks anyone to weaken.\nQuestions are asked only on a terminal; with --no-input, or without a terminal, they count as unknown and nothing waits for an answer.\nCodes are also recognised as written: 124, 403, "HTTP 403.7", the Chinese message. --list shows them.\nExit codes: 0 nothing wrong found (or already renewed); 20 action needed (the box says which); 21 the key is faulty: replace it at the counter, the online-banking contract stays (FAQ 3); 2 unknown code.',
  'help.diagnose.examples': 'ukey diagnose 0124\nukey diagnose "HTTP 403.7" --lang en\nukey diagnose 0116 --lab --json --no-input\nUKEY_PIN=… ukey diagnose 0124 --allow-keygen --no-input   # test key generation without asking\nukey diagnose                  # every check: a health check\nukey diagnose --list',
  'help.diagnose.arg.code': 'the error code or message the customer saw (0124, 9002, 0116, 403.7…); none: every check',
  'help.diagnose.flag.json': 'one JSON document (docs/schema/diagnose.schema.json)',

  // ukey renew
  'help.renew.flag.key-number': 'the number printed on the key: refuse (change nothing) when the plugged key is another vendor\'s (FAQ 1)',
  'help.renew.summary': 'Renew the certificate on a USB key (crash-safe: the old certificate works until the new one is stored and confirmed)',
  'help.renew.description': 'The bank\'s "certificate expiry renewal" (FAQ 4–6) from the command line. Checks the renewal period first (outside it: refused with 0116 before the bank is contacted; lapsed: a new key at the counter), logs in (PIN from --pin-stdin, UKEY_PIN or a masked prompt; never an argument), generates a new key pair on the key under a fresh CKA_ID, sends a CMP key update request signed by the old key (the proof of possession by the new key), waits while the bank says so, verifies the answer (the bank CA\'s signature, the new key, the old subject), stores the new certificate beside the new key and checks that the pair signs, confirms to the bank, and only then removes the old key pair and certificate.\nEvery step is journalled (no secrets) before and after it runs. If anything stops the renewal — the network, the server, the key pulled out, the process killed — the old certificate still works, and running `ukey renew` again finishes the renewal or rolls back what was added. `--status` lists unfinished renewals.\nExit codes: 0 renewed (or dry run passed, or nothing to do); 2 usage (e.g. no --yes without a terminal); 3 no key, module or certificate; 30 refused (0116 outside the window or already renewed, 403.7 not accepted as signed by a valid certificate) — retrying will not help; 31 not completed (server unreachable, key generation failed 0124, interrupted) — the old certificate works, rerun.',
  'help.renew.examples': 'ukey renew                          # the plugged key; asks before changing it\nukey renew --dry-run                # every check, no change\nukey renew --lab --yes              # on the embedded lab (with `ukey lab serve` running)\nUKEY_PIN=… ukey renew --serial 2100012345678901 --yes --json\nukey renew --status                 # unfinished renewals',
  'help.renew.flag.json': 'one JSON document (docs/schema/renew.schema.json)',
} as const
