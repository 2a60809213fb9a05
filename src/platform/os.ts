/** The operating system ukey runs on (Node's names: linux, win32, darwin): asked here, passed down where it matters. */
export function currentPlatform(): NodeJS.Platform {
  return process.platform
}

/** The processor architecture of this process (Node's names: x64, ia32, arm64, loong64…): a module must match it to load. */
export function currentArch(): string {
  return process.arch
}
