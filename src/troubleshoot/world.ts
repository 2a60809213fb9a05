import type { DeviceHolder } from '../platform/processes.js'
import type { ServerProbe } from '../renewal/probe.js'
import type { TransferOptions } from '../renewal/cmp/transfer.js'
import type { RenewalServer } from '../renewal/trust.js'
import type { PinSource, ProviderFactory } from '../hardware/tokens.js'
import type { TokenSelector } from '../hardware/pkcs11/types.js'
import type { StoreCertificate } from '../hardware/stores/windows-store.js'
import type { UsbListing } from '../hardware/usb/index.js'
import type { BankProfile } from '../profile/types.js'
import type { CheckId } from './types.js'

export type { DeviceHolder } from '../platform/processes.js'

/**
 * Everything a check may look at, injected (after @peculiar/x509's provider):
 * the command passes the real machine, scenario tests pass SoftHSM2, umockdev
 * devices or a fake token, a fixed clock, a PIN.
 */
export interface DiagnoseWorld {
  profile: BankProfile
  providerFactory: ProviderFactory
  /** --module: load this PKCS#11 module instead of discovery. */
  module?: string
  /** The USB bus; null when it cannot be listed here (the check then says unknown). */
  listUsb: (() => Promise<UsbListing>) | null
  journalDir: string
  now: () => Date
  pin: PinSource
  selector: TokenSelector
  /** The number printed on the key (FAQ 1), when the technician gives it. */
  printedNumber?: string
  /** Folders that hold the customer's software certificate (users without a key, FAQ 10.1). */
  softStores: string[]
  /** The user's Windows certificate store (CurrentUser\My); undefined where there is none (not Windows). */
  windowsStore?: () => Promise<StoreCertificate[]>
  /** Checks the technician allowed in advance (--allow-keygen): their consent question is not asked. */
  allowed: CheckId[]
  /** Log in even on the final PIN try (--force). */
  force?: boolean
  /** Which processes hold these device nodes; `complete` false when some processes could not be inspected; null: cannot tell here. */
  deviceHolders?: (paths: string[]) => Promise<{ holders: DeviceHolder[]; complete: boolean } | null>
  /** Asks the renewal server whether it is there and the bank's (default: renewal/probe.ts's probeServer). */
  probeServer?: (server: RenewalServer, oldCert: Buffer, transfer?: TransferOptions) => Promise<ServerProbe>
}
