import type { CertSummary } from '../cert/summary.js'
import type { WindowAssessment } from '../cert/window.js'
import type { DetectedToken } from '../hardware/tokens.js'
import { tokenCertificateObject } from './certificate-json.js'
import { SCHEMA_VERSION } from './schema-version.js'
import { recordedTokenObject, tokenObject } from './token-json.js'

/**
 * What the lab's documents say about the lab (its lab.json: src/lab/token-lab.ts
 * LabState, which this layer may not import — the lab is reached only through its use cases).
 */
export interface LabFacts {
  dir: string
  createdAt: string
  module: string
  conf: string
  profile: string
  token: { label: string; serial: string; vendorCode: string }
  ca: { cert: string; key: string }
}

/**
 * `lab init --json` and `lab status --json` (docs/schema/lab.schema.json): the
 * lab's files, its token and the certificate on it in the shared vocabulary.
 * With the token gone, `token` is what lab.json recorded and `certificate` is null.
 */
export function labDocument(
  kind: 'ukey.lab' | 'ukey.lab-status',
  state: LabFacts,
  token: DetectedToken | undefined,
  certificate: { id: string; summary: CertSummary; window: WindowAssessment } | undefined,
  exitCode: number,
): object {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind,
    lab: true,
    exitCode,
    dir: state.dir,
    createdAt: state.createdAt,
    module: state.module,
    conf: state.conf,
    profile: state.profile,
    ca: state.ca,
    vendorCode: state.token.vendorCode,
    tokenPresent: Boolean(token),
    token: token ? tokenObject(token.info) : recordedTokenObject({ serial: state.token.serial, label: state.token.label, module: state.module }),
    certificate: certificate ? tokenCertificateObject(certificate.id, certificate.summary, certificate.window) : null,
    certificates: token?.certificates ?? null,
    keyPairs: token?.keyPairs ?? null,
  }
}
