/**
 * Messages of the PIN policy and of verdicts that follow evidence (issue 13:
 * the technician's verdict at the branch desk); merged into en.ts.
 */
export const deskEn = {
  'pin.promptSkippable': 'PIN for USB key "{label}" ({serial}) (Enter: skip the checks that need it)',
  'pin.retryPrompt': 'Wrong PIN — the key reports: {state}. PIN for USB key "{label}" ({serial}) once more (Enter: skip)',
  'pin.stateTries': '{state}, {tries} tries left',
  'pin.confirmFinalTry': 'USB key "{label}" ({serial}) has ONE PIN try left: a wrong PIN locks it. Is the customer sure of the PIN?',
  'diagnose.ev.pinWrong': 'wrong PIN: not checked (the key was not logged in to)',
  'diagnose.ev.pinWrongCountLow': 'wrong PIN: not checked; the key now reports a PIN entered wrongly (count low)',
  'diagnose.ev.pinWrongFinalTry': 'wrong PIN: not checked; the key now reports ONE try left — another wrong PIN locks it',
  'diagnose.box.proof': '✔ {evidence}',
  'diagnose.box.unchecked': '? not checked: {step} (FAQ {faq})',
  'diagnose.next.unchecked': 'Not everything could be checked, so ukey does not say "nothing wrong". Run `{command}` again with the customer typing the PIN (and agreeing to the test), then follow the new verdict.',
  'diagnose.next.keyWorks': 'The USB key works: ukey just had it sign and the signature verified (below). The fault is more likely on this computer (the management tool, the browser and its certificate choice), or on the bank\'s side: try another computer or browser with the same key; if it still fails, call the bank with the error code. A new key would not help.',
  'diagnose.next.persistsUnproven': 'The error persists, but ukey could not check the key itself (below): do not replace the key yet. Have the customer type the PIN and run this again; only a key that fails to sign or to make a key pair is faulty.',
  'diagnose.fix.installToolInsert': 'Install the {vendor} management tool from the bank\'s site (Online banking → Download), insert the USB key, then retry (FAQ 2, 10.3, 10.1).',
  'diagnose.fix.moduleFailedInsert': 'The {vendor} management tool is installed but its module does not load: reinstall the latest one from the bank\'s site, insert the USB key, then retry (FAQ 2, 10.3, 10.1).',
  'diagnose.fix.refusedByBank': 'The bank\'s server refused this certificate\'s renewal on {date} ({code}) although the key and this computer check out: the reason is on the bank\'s side. Call the bank or go to the counter with this code.',
  'watch.tokenInsert': 'key {serial} "{label}" seen by its management tool',
  'watch.tokenRemove': 'key {serial} "{label}" no longer seen by its management tool',
  'password.wrongRetry': 'Wrong password. Password for {source} (try {attempt} of {max})',
} as const
