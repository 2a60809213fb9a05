import { UkeyError } from '../../errors.js'

/**
 * The native library would not load or enumerate (libudev or libusb missing, no
 * prebuilt binary for this platform). Reported per transport by listUsbKeys, so
 * a broken CCID backend never hides a HID key.
 */
export function usbUnavailable(transport: string, cause: unknown): UkeyError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new UkeyError('USB_UNAVAILABLE', { params: { detail: `${transport}: ${detail}` }, cause })
}
