import { UkeyError } from '../../errors.js'

/**
 * The native library would not load or enumerate (libudev or libusb missing, no
 * prebuilt binary for this platform). Reported per transport by listUsbKeys, so
 * a broken CCID backend never hides a HID key.
 * TODO(errors.ts): a USB_UNAVAILABLE code (see the USB report); INTERNAL until it exists.
 */
export function usbUnavailable(transport: string, cause: unknown): UkeyError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new UkeyError('INTERNAL', { params: { detail: `USB ${transport} enumeration: ${detail}` }, cause })
}
