/** The operating system ukey runs on (Node's names: linux, win32, darwin): asked here, passed down where it matters. */
export function currentPlatform(): NodeJS.Platform {
  return process.platform
}
