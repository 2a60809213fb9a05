import { UkeyError } from '../../errors.js'
import type { MessageKey } from '../../i18n/en.js'

/**
 * The native library would not load or enumerate (libudev or libusb missing, no
 * prebuilt binary for this platform). Reported per transport by listUsbKeys, so
 * a broken CCID backend never hides a HID key. The advice is the platform's own:
 * libudev and libusb are Linux packages; on Windows (hidapi's init fails under a
 * remote desktop, a sandbox or Wine) the place to look is Device Manager.
 */
export function usbUnavailable(transport: string, cause: unknown, platform: NodeJS.Platform = process.platform): UkeyError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  const key: MessageKey = platform === 'win32' ? 'error.USB_UNAVAILABLE.win32' : platform === 'darwin' ? 'error.USB_UNAVAILABLE.darwin' : 'error.USB_UNAVAILABLE'
  return new UkeyError('USB_UNAVAILABLE', { key, params: { detail: `${transport}: ${detail}` }, cause })
}
